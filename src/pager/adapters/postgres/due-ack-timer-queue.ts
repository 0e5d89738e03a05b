import type { DataSource } from "typeorm";
import type { DueAckTimer, DueAckTimerQueue } from "../../app/worker-ports.js";

/**
 * The in-process timer worker's SQL on ack_timers. Claims use FOR UPDATE
 * SKIP LOCKED plus a lease in `claimed_until`, so processes share the work
 * without waiting on each other.
 */
export class PostgresDueAckTimerQueue implements DueAckTimerQueue {
  constructor(private readonly dataSource: DataSource) {}

  async claim(now: Date, limit: number, leaseMs: number): Promise<DueAckTimer[]> {
    const rows: { alert_id: string; level: number; fire_time: Date }[] =
      await this.dataSource.query(
        `WITH claimed AS (
         UPDATE ack_timers t SET claimed_until = $2
           FROM (SELECT alert_id, level FROM ack_timers
                  WHERE fire_time <= $1 AND (claimed_until IS NULL OR claimed_until < $1)
                  ORDER BY fire_time LIMIT $3 FOR UPDATE SKIP LOCKED) due
          WHERE t.alert_id = due.alert_id AND t.level = due.level
          RETURNING t.alert_id, t.level, t.fire_time)
       SELECT alert_id, level, fire_time FROM claimed`,
        [now, new Date(now.getTime() + leaseMs), limit],
      );
    return rows.map((row) => ({
      alertId: row.alert_id,
      level: row.level,
      fireTime: row.fire_time,
    }));
  }

  async nextDueTime(): Promise<Date | null> {
    const [row]: { next: Date | null }[] = await this.dataSource.query(
      `SELECT min(greatest(fire_time, coalesce(claimed_until, fire_time))) AS next FROM ack_timers`,
    );
    return row?.next ?? null;
  }
}
