import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import type { Clock } from "../../../platform/time/clock.js";
import { delayUntilDue } from "../../../platform/workers/delay-until-due.js";
import type { LoopBody } from "../../../platform/workers/polling-loop.js";
import { decideRetry, type RetryPolicy } from "../../../platform/workers/retry-backoff.js";
import {
  ackTimerId,
  type ExternalTimerService,
  TimerIdTakenError,
} from "../../app/external-timers.js";

/** How the relay paces itself. */
export interface AckTimerRelayOptions {
  readonly batchSize: number;
  /** How long a claim lasts: longer than one call to the timer service. */
  readonly leaseMs: number;
  readonly maxIdleMs: number;
  /** Backoff while the timer service cannot be reached; attempts never run out. */
  readonly retry: RetryPolicy;
}

interface RelayRow {
  alert_id: string;
  level: number;
  fire_time: Date;
  generation: number;
  attempts: number;
  cancelled: boolean;
}

const MAX_ERROR_LENGTH = 1000;

/**
 * Hands ack_timers rows to the external timer service after commit: SetTimer
 * for a new row, CancelTimer (then delete) for a cancelled one. The row is
 * written with the escalation, so a crash between commit and SetTimer loses
 * nothing: the row is still there for this relay, in this process or another,
 * and the deterministic timer id makes the retry a no-op if the first call
 * got through. Claims (SKIP LOCKED plus a lease) let several pagers relay;
 * the lease doubles as the backoff while the timer service is unreachable.
 */
export class AckTimerRelay implements LoopBody {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly timers: ExternalTimerService,
    private readonly logger: Logger,
    private readonly options: AckTimerRelayOptions,
    private readonly random: () => number = Math.random,
  ) {}

  async tick(): Promise<number> {
    const now = this.clock.now();
    const rows = await this.claim(now);
    const failed = (await Promise.all(rows.map((row) => this.relay(row)))).filter(
      (error) => error !== null,
    );
    if (failed.length > 0) {
      this.logger.warn(
        { failed: failed.length, of: rows.length, reason: failed[0] },
        "could not relay timers to the timer service; will retry",
      );
    }
    if (rows.length === this.options.batchSize) return 0;
    return this.untilNext(now);
  }

  private claim(now: Date): Promise<RelayRow[]> {
    return this.dataSource.query(
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
      [now, new Date(now.getTime() + this.options.leaseMs), this.options.batchSize],
    );
  }

  /** Relays one row; resolves with why it failed, or null. */
  private async relay(row: RelayRow): Promise<string | null> {
    const timerId = ackTimerId(row.alert_id, row.level, row.generation);
    const key = [row.alert_id, row.level];
    try {
      if (row.cancelled) {
        await this.timers.cancel(timerId);
        await this.dataSource.query(
          "DELETE FROM ack_timers WHERE alert_id = $1 AND level = $2 AND cancel_time IS NOT NULL",
          key,
        );
        return null;
      }
      await this.timers.arm({
        timerId,
        alertId: row.alert_id,
        level: row.level,
        fireTime: row.fire_time,
      });
      await this.dataSource.query(
        `UPDATE ack_timers SET delivered_time = $4, claimed_until = NULL, attempts = 0, last_error = ''
          WHERE alert_id = $1 AND level = $2 AND generation = $3`,
        [...key, row.generation, this.clock.now()],
      );
      return null;
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).slice(
        0,
        MAX_ERROR_LENGTH,
      );
      if (error instanceof TimerIdTakenError) {
        await this.rearm(row, timerId, reason);
        return null;
      }
      await this.backOff(row, reason);
      return reason;
    }
  }

  /** The id is taken by other content: the next step's id is free, and arming goes on under it. */
  private async rearm(row: RelayRow, timerId: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ack_timers SET generation = generation + 1, claimed_until = NULL
        WHERE alert_id = $1 AND level = $2 AND generation = $3`,
      [row.alert_id, row.level, row.generation],
    );
    this.logger.warn(
      { alert_id: row.alert_id, level: row.level, timer_id: timerId, reason },
      "timer id taken at the timer service with other content; arming under the next id",
    );
  }

  private async backOff(row: RelayRow, reason: string): Promise<void> {
    const attempts = row.attempts + 1;
    const decision = decideRetry(this.options.retry, attempts, false, this.random());
    const delayMs = decision.kind === "retry" ? decision.delayMs : this.options.retry.maxDelayMs;
    await this.dataSource.query(
      `UPDATE ack_timers SET attempts = $3, last_error = $4, claimed_until = $5
        WHERE alert_id = $1 AND level = $2`,
      [row.alert_id, row.level, attempts, reason, new Date(this.clock.now().getTime() + delayMs)],
    );
  }

  private async untilNext(now: Date): Promise<number> {
    const [row]: { next: Date | null }[] = await this.dataSource.query(
      `SELECT min(coalesce(claimed_until, $1)) AS next FROM ack_timers
        WHERE delivered_time IS NULL OR cancel_time IS NOT NULL`,
      [now],
    );
    return delayUntilDue(row?.next ?? null, now, this.options.maxIdleMs);
  }
}
