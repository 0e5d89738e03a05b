import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The timer service's one table, in its own schema so that it can share a
 * database with the pager without either touching the other's tables. Ids
 * sort bytewise (COLLATE "C") so pages list the same order on every server.
 */
export class Timers1764374460000 implements MigrationInterface {
  name = "Timers1764374460000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE timer.timers (
        timer_id text COLLATE "C" PRIMARY KEY,
        fire_time timestamptz NOT NULL,
        delay_ms bigint CHECK (delay_ms >= 0),
        endpoint text NOT NULL,
        method text NOT NULL,
        request bytea NOT NULL,
        state text NOT NULL
          CHECK (state IN ('scheduled', 'firing', 'fired', 'failed', 'cancelled')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text NOT NULL DEFAULT '',
        create_time timestamptz NOT NULL,
        update_time timestamptz NOT NULL,
        next_attempt_time timestamptz,
        claimed_until timestamptz,
        CONSTRAINT timers_live_have_next_attempt
          CHECK ((state IN ('scheduled', 'firing')) = (next_attempt_time IS NOT NULL))
      )`);
    await runner.query(`
      CREATE INDEX timers_due ON timer.timers (next_attempt_time)
        WHERE state IN ('scheduled', 'firing')`);
    await runner.query("CREATE INDEX timers_by_state ON timer.timers (state, timer_id)");
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("DROP TABLE timer.timers");
  }
}
