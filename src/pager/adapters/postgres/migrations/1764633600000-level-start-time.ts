import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * `alerts.level_start_time`: when the alert's current level was paged, so a
 * timer callback that comes before that level's acknowledgement delay ran
 * out can be refused. Existing alerts take the time of their latest
 * escalation from the timeline, or their creation time.
 */
export class LevelStartTime1764633600000 implements MigrationInterface {
  name = "LevelStartTime1764633600000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query("ALTER TABLE alerts ADD COLUMN level_start_time timestamptz");
    await runner.query(`
      UPDATE alerts a SET level_start_time = coalesce(
        (SELECT max(e.create_time) FROM alert_events e
          WHERE e.alert_id = a.id AND e.kind = 'escalated'),
        a.create_time)`);
    await runner.query("ALTER TABLE alerts ALTER COLUMN level_start_time SET NOT NULL");
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("ALTER TABLE alerts DROP COLUMN level_start_time");
  }
}
