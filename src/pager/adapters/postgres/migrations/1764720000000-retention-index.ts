import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Resolved alerts by resolution time: retention finds the oldest ones
 * without reading the table, however large it has grown.
 */
export class RetentionIndex1764720000000 implements MigrationInterface {
  name = "RetentionIndex1764720000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      "CREATE INDEX alerts_resolved_by_time ON alerts (resolve_time) WHERE state = 'resolved'",
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("DROP INDEX alerts_resolved_by_time");
  }
}
