import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Finished timers by the time they finished (their last update): retention
 * finds the oldest ones without reading the table.
 */
export class RetentionIndex1764720060000 implements MigrationInterface {
  name = "RetentionIndex1764720060000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE INDEX timers_finished_by_time ON timer.timers (update_time)
        WHERE state IN ('fired', 'failed', 'cancelled')`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("DROP INDEX timer.timers_finished_by_time");
  }
}
