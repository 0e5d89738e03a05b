import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import type { Clock } from "../../../platform/time/clock.js";
import type { LoopBody } from "../../../platform/workers/polling-loop.js";
import { ackTimerId } from "../../app/external-timers.js";

/** How late is too late, and how often to look. */
export interface AckTimerWatchdogOptions {
  /** A timer handed over this long ago and past its fire time without a callback is lost. */
  readonly graceMs: number;
  readonly intervalMs: number;
}

interface RearmedRow {
  alert_id: string;
  level: number;
  generation: number;
  fire_time: Date;
}

/**
 * The last line of defence against a stalled escalation: the timer service
 * acknowledged the timer, but its callback never came (its database was
 * restored from a backup, the timer gave up while the pager was down, an
 * operator cancelled it). A triggered alert whose current level's timer is
 * overdue by more than the grace gets the timer armed again under the next
 * step's id, and a warning in the log. Should the first timer still fire,
 * the second callback finds the alert moved on and changes nothing.
 */
export class AckTimerWatchdog implements LoopBody {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: AckTimerWatchdogOptions,
    /** Told when timers were re-armed, so the relay hands them over at once. */
    private readonly onRearm: () => void,
  ) {}

  async tick(): Promise<number> {
    const now = this.clock.now();
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
      [new Date(now.getTime() - this.options.graceMs)],
    );
    for (const row of rows) {
      this.logger.warn(
        {
          alert_id: row.alert_id,
          level: row.level,
          lost_timer_id: ackTimerId(row.alert_id, row.level, row.generation - 1),
          timer_id: ackTimerId(row.alert_id, row.level, row.generation),
          overdue_ms: now.getTime() - row.fire_time.getTime(),
        },
        "acknowledgement timer overdue with no callback; re-armed it",
      );
    }
    if (rows.length > 0) this.onRearm();
    return this.options.intervalMs;
  }
}
