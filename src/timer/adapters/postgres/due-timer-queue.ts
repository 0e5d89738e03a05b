import type { DataSource } from "typeorm";
import { CoalescingWriter } from "../../../platform/workers/coalescing-writer.js";
import type { ClaimedTimer, DueTimerQueue, RecordedFailure } from "../../app/ports.js";

interface ClaimedRow {
  timer_id: string;
  fire_time: Date;
  endpoint: string;
  method: string;
  request: Buffer;
  metadata: Record<string, string>;
  attempts: number;
}

interface Fired {
  readonly id: string;
  readonly attempts: number;
  readonly now: Date;
}

const MAX_ERROR_LENGTH = 1000;

/**
 * The firing loop's SQL. Claims use FOR UPDATE SKIP LOCKED plus a lease in
 * `claimed_until`, so replicas never wait on each other and a dead one's
 * claims come back when the lease runs out. Fired marks of deliveries that
 * end together are written as one statement: under a burst, one UPDATE per
 * callback would cost more than the callbacks.
 */
export class PostgresDueTimerQueue implements DueTimerQueue {
  private readonly fired: CoalescingWriter<Fired>;

  constructor(private readonly dataSource: DataSource) {
    this.fired = new CoalescingWriter((batch) => this.writeFired(batch));
  }

  async claim(now: Date, limit: number, leaseMs: number): Promise<ClaimedTimer[]> {
    const rows: ClaimedRow[] = await this.dataSource.query(
      `WITH due AS (
         SELECT timer_id FROM timer.timers
          WHERE state IN ('scheduled', 'firing') AND next_attempt_time <= $1
            AND (claimed_until IS NULL OR claimed_until < $1)
          ORDER BY next_attempt_time LIMIT $3 FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE timer.timers t
            SET state = 'firing', claimed_until = $2,
                update_time = CASE WHEN t.state = 'scheduled' THEN $1 ELSE t.update_time END
           FROM due WHERE t.timer_id = due.timer_id
         RETURNING t.timer_id, t.fire_time, t.endpoint, t.method, t.request, t.metadata,
                   t.attempts)
       SELECT * FROM claimed`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows.map((row) => ({
      id: row.timer_id,
      fireTime: row.fire_time,
      callback: {
        endpoint: row.endpoint,
        method: row.method,
        request: row.request,
        metadata: row.metadata,
      },
      attempts: row.attempts,
    }));
  }

  async nextDueTime(now: Date): Promise<Date | null> {
    const [row]: { next_attempt_time: Date }[] = await this.dataSource.query(
      `SELECT next_attempt_time FROM timer.timers
        WHERE state IN ('scheduled', 'firing') AND (claimed_until IS NULL OR claimed_until < $1)
        ORDER BY next_attempt_time LIMIT 1`,
      [now],
    );
    return row?.next_attempt_time ?? null;
  }

  markFired(id: string, attempts: number, now: Date): Promise<void> {
    return this.fired.add({ id, attempts, now });
  }

  async recordFailure(id: string, failure: RecordedFailure): Promise<void> {
    await this.dataSource.query(
      `UPDATE timer.timers
          SET state = CASE WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'firing' END,
              attempts = $2, last_error = $3, next_attempt_time = $4, claimed_until = NULL,
              update_time = $5
        WHERE timer_id = $1 AND state = 'firing'`,
      [
        id,
        failure.attempts,
        failure.error.slice(0, MAX_ERROR_LENGTH),
        failure.retryAt,
        failure.now,
      ],
    );
  }

  /** A timer cancelled while its callback was in flight stays cancelled. */
  private async writeFired(batch: readonly Fired[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE timer.timers t
          SET state = 'fired', attempts = f.attempts, last_error = '', next_attempt_time = NULL,
              claimed_until = NULL, update_time = f.now
         FROM unnest($1::text[], $2::int[], $3::timestamptz[]) AS f(timer_id, attempts, now)
        WHERE t.timer_id = f.timer_id AND t.state = 'firing'`,
      [batch.map((f) => f.id), batch.map((f) => f.attempts), batch.map((f) => f.now)],
    );
  }
}
