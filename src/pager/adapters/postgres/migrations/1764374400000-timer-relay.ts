import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Turns ack_timers into an outbox for an external timer service as well: a
 * row is written with the escalation, as before, and a relay hands it to the
 * timer service after commit (`delivered_time`), or cancels it there
 * (`cancel_time`) before deleting it. `generation` is the step of the timer
 * id (`pager-ack-<alert>-<level>-<generation>`): retries reuse it, so they
 * never make two timers; only the watchdog's re-arm moves it on.
 */
export class TimerRelay1764374400000 implements MigrationInterface {
  name = "TimerRelay1764374400000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE ack_timers
        ADD COLUMN generation integer NOT NULL DEFAULT 0 CHECK (generation >= 0),
        ADD COLUMN delivered_time timestamptz,
        ADD COLUMN cancel_time timestamptz,
        ADD COLUMN attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN last_error text NOT NULL DEFAULT ''`);
    await runner.query(`
      CREATE INDEX ack_timers_to_relay ON ack_timers (fire_time)
        WHERE delivered_time IS NULL OR cancel_time IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("DROP INDEX ack_timers_to_relay");
    await runner.query(`
      ALTER TABLE ack_timers
        DROP COLUMN generation, DROP COLUMN delivered_time, DROP COLUMN cancel_time,
        DROP COLUMN attempts, DROP COLUMN last_error`);
  }
}
