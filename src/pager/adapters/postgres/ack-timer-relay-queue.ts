import type { DataSource } from "typeorm";
import { CoalescingWriter } from "../../../platform/workers/coalescing-writer.js";
import type { AckTimerRelayQueue, RelayedAckTimer, RelayFailure } from "../../app/worker-ports.js";
import { isoTime } from "./iso-time.js";

interface RelayRow {
  alert_id: string;
  level: number;
  fire_time: Date;
  generation: number;
  attempts: number;
  cancelled: boolean;
}

/**
 * The relay's SQL on ack_timers: rows not yet handed to the timer service
 * (`delivered_time` unset) and rows cancelled since (`cancel_time` set).
 * Claims use FOR UPDATE SKIP LOCKED plus a lease in `claimed_until`, so
 * several pagers relay without waiting on each other. What a storm of
 * timers succeeds with (armed, cancelled and deleted) is written in batches,
 * one statement for all the timers relayed meanwhile.
 */
export class PostgresAckTimerRelayQueue implements AckTimerRelayQueue {
  private readonly armed: CoalescingWriter<{ timer: RelayedAckTimer; now: Date }>;
  private readonly cancelled: CoalescingWriter<RelayedAckTimer>;

  constructor(private readonly dataSource: DataSource) {
    this.armed = new CoalescingWriter((items) => this.writeArmed(items));
    this.cancelled = new CoalescingWriter((timers) => this.writeCancelled(timers));
  }

  async claim(now: Date, limit: number, leaseMs: number): Promise<RelayedAckTimer[]> {
    const rows: RelayRow[] = await this.dataSource.query(
      `WITH due AS (
         SELECT alert_id, level FROM ack_timers
          WHERE (delivered_time IS NULL OR cancel_time IS NOT NULL)
            AND (claimed_until IS NULL OR claimed_until < $1)
          ORDER BY fire_time LIMIT $3 FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE ack_timers t SET claimed_until = $2
           FROM due WHERE t.alert_id = due.alert_id AND t.level = due.level
         RETURNING t.alert_id, t.level, t.fire_time, t.generation, t.attempts,
                   t.cancel_time IS NOT NULL AS cancelled)
       SELECT * FROM claimed`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows.map((row) => ({
      alertId: row.alert_id,
      level: row.level,
      fireTime: row.fire_time,
      generation: row.generation,
      attempts: row.attempts,
      cancelled: row.cancelled,
    }));
  }

  async nextDueTime(now: Date): Promise<Date | null> {
    const [row]: { next: Date | null }[] = await this.dataSource.query(
      `SELECT min(coalesce(claimed_until, $1)) AS next FROM ack_timers
        WHERE delivered_time IS NULL OR cancel_time IS NOT NULL`,
      [now],
    );
    return row?.next ?? null;
  }

  markArmed(timer: RelayedAckTimer, now: Date): Promise<void> {
    return this.armed.add({ timer, now });
  }

  deleteCancelled(timer: RelayedAckTimer): Promise<void> {
    return this.cancelled.add(timer);
  }

  private async writeArmed(items: readonly { timer: RelayedAckTimer; now: Date }[]): Promise<void> {
    const rows = items.map(({ timer, now }) => ({
      alert_id: timer.alertId,
      level: timer.level,
      generation: timer.generation,
      delivered_time: isoTime(now),
    }));
    await this.dataSource.query(
      `UPDATE ack_timers t SET delivered_time = a.delivered_time, claimed_until = NULL,
              attempts = 0, last_error = ''
         FROM jsonb_to_recordset($1::jsonb)
              AS a (alert_id uuid, level integer, generation integer, delivered_time timestamptz)
        WHERE t.alert_id = a.alert_id AND t.level = a.level AND t.generation = a.generation`,
      [JSON.stringify(rows)],
    );
  }

  private async writeCancelled(timers: readonly RelayedAckTimer[]): Promise<void> {
    const rows = timers.map((timer) => ({ alert_id: timer.alertId, level: timer.level }));
    await this.dataSource.query(
      `DELETE FROM ack_timers t
        USING jsonb_to_recordset($1::jsonb) AS c (alert_id uuid, level integer)
        WHERE t.alert_id = c.alert_id AND t.level = c.level AND t.cancel_time IS NOT NULL`,
      [JSON.stringify(rows)],
    );
  }

  async moveToNextStep(timer: RelayedAckTimer): Promise<void> {
    await this.dataSource.query(
      `UPDATE ack_timers SET generation = generation + 1, claimed_until = NULL
        WHERE alert_id = $1 AND level = $2 AND generation = $3`,
      [timer.alertId, timer.level, timer.generation],
    );
  }

  async backOff(timer: RelayedAckTimer, failure: RelayFailure): Promise<void> {
    await this.dataSource.query(
      `UPDATE ack_timers SET attempts = $3, last_error = $4, claimed_until = $5
        WHERE alert_id = $1 AND level = $2`,
      [timer.alertId, timer.level, failure.attempts, failure.error, failure.retryAt],
    );
  }
}
