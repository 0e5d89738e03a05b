import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * What monitoring said besides the message (`details`, short keys to text)
 * and its deduplication key, kept with the alert so pages can show the one
 * and a monitoring system's acknowledge or resolve can name the alert by the
 * other. Existing alerts get none of either.
 */
export class AlertDetails1764460800000 implements MigrationInterface {
  name = "AlertDetails1764460800000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE alerts
        ADD COLUMN details jsonb NOT NULL DEFAULT '{}'::jsonb,
        ADD COLUMN dedup_key text NOT NULL DEFAULT ''`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("ALTER TABLE alerts DROP COLUMN details, DROP COLUMN dedup_key");
  }
}
