import type { DataSource } from "typeorm";
import type { OverdueAckTimers, RearmedAckTimer } from "../../app/worker-ports.js";

interface RearmedRow {
  alert_id: string;
  level: number;
  generation: number;
  fire_time: Date;
}

/**
 * The watchdog's SQL: finds and re-arms lost timers in one statement, with
 * SKIP LOCKED so that pagers watching together never re-arm one timer twice.
 */
export class PostgresOverdueAckTimers implements OverdueAckTimers {
  constructor(private readonly dataSource: DataSource) {}

  async rearm(overdueBefore: Date): Promise<RearmedAckTimer[]> {
    const rows: RearmedRow[] = await this.dataSource.query(
      `WITH overdue AS (
         SELECT t.alert_id, t.level FROM ack_timers t JOIN alerts a ON a.id = t.alert_id
          WHERE a.state = 'triggered' AND a.current_level = t.level
            AND t.delivered_time IS NOT NULL AND t.cancel_time IS NULL
            AND greatest(t.fire_time, t.delivered_time) < $1
          FOR UPDATE OF t SKIP LOCKED),
       rearmed AS (
         UPDATE ack_timers t
            SET generation = t.generation + 1, delivered_time = NULL, claimed_until = NULL,
                attempts = 0, last_error = ''
           FROM overdue o WHERE t.alert_id = o.alert_id AND t.level = o.level
         RETURNING t.alert_id, t.level, t.generation, t.fire_time)
       SELECT * FROM rearmed`,
      [overdueBefore],
    );
    return rows.map((row) => ({
      alertId: row.alert_id,
      level: row.level,
      generation: row.generation,
      fireTime: row.fire_time,
    }));
  }
}
