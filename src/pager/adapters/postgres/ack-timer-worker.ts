import type { DataSource } from "typeorm";
import type { Clock } from "../../../platform/time/clock.js";
import { delayUntilDue } from "../../../platform/workers/delay-until-due.js";
import type { LoopBody } from "../../../platform/workers/polling-loop.js";

/** A due timer, claimed by this process for a while. */
export interface DueTimer {
  readonly alertId: string;
  readonly level: number;
}

/** How the timer worker paces itself. */
export interface AckTimerWorkerOptions {
  /** Timers claimed per round. */
  readonly batchSize: number;
  /** How long a claim lasts; a process that dies holding it delays the page this long at most. */
  readonly leaseMs: number;
  /** Longest sleep, so timers armed by other processes are seen within this delay. */
  readonly maxIdleMs: number;
}

/**
 * Fires due acknowledgement timers through `fire`, which is the same use case
 * as the HandleAcknowledgementTimeout RPC and consumes the timer row in its
 * transaction. Claims use SKIP LOCKED plus a lease, so several processes
 * share the work and a crashed one's claims come back after `leaseMs`.
 */
export class AckTimerWorker implements LoopBody {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly fire: (timer: DueTimer) => Promise<void>,
    private readonly options: AckTimerWorkerOptions,
  ) {}

  async tick(): Promise<number> {
    const now = this.clock.now();
    const due = await this.claim(now);
    const results = await Promise.allSettled(due.map((timer) => this.fire(timer)));
    const failures = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    if (failures.length > 0) {
      throw new AggregateError(
        failures,
        `${failures.length} of ${due.length} timers failed to fire`,
      );
    }
    if (due.length === this.options.batchSize) return 0;
    return this.untilNext(now);
  }

  private async claim(now: Date): Promise<DueTimer[]> {
    const rows: { alert_id: string; level: number }[] = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE ack_timers t SET claimed_until = $2
           FROM (SELECT alert_id, level FROM ack_timers
                  WHERE fire_time <= $1 AND (claimed_until IS NULL OR claimed_until < $1)
                  ORDER BY fire_time LIMIT $3 FOR UPDATE SKIP LOCKED) due
          WHERE t.alert_id = due.alert_id AND t.level = due.level
          RETURNING t.alert_id, t.level)
       SELECT alert_id, level FROM claimed`,
      [now, new Date(now.getTime() + this.options.leaseMs), this.options.batchSize],
    );
    return rows.map((row) => ({ alertId: row.alert_id, level: row.level }));
  }

  private async untilNext(now: Date): Promise<number> {
    const [row]: { next: Date | null }[] = await this.dataSource.query(
      `SELECT min(greatest(fire_time, coalesce(claimed_until, fire_time))) AS next FROM ack_timers`,
    );
    return delayUntilDue(row?.next ?? null, now, this.options.maxIdleMs);
  }
}
