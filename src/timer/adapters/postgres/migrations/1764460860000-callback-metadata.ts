import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The metadata each callback is sent with: the callee's credential. Stored
 * as given, because it must be sent as given; the API never returns it.
 */
export class CallbackMetadata1764460860000 implements MigrationInterface {
  name = "CallbackMetadata1764460860000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE timer.timers
        ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object')`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("ALTER TABLE timer.timers DROP COLUMN metadata");
  }
}
