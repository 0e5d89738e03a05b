import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Real channels: the provider's message id, kept so a page can be traced in
 * the provider's own logs, and where an operator's retry restarted the
 * attempt budget, so the attempt count itself never goes backwards.
 */
export class NotificationDelivery1764288000000 implements MigrationInterface {
  name = "NotificationDelivery1764288000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE notifications
        ADD COLUMN provider_message_id text NOT NULL DEFAULT '',
        ADD COLUMN attempts_at_retry integer NOT NULL DEFAULT 0
          CHECK (attempts_at_retry >= 0)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE notifications DROP COLUMN attempts_at_retry, DROP COLUMN provider_message_id`);
  }
}
