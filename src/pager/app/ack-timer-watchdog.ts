import type { Clock } from "../../platform/time/clock.js";
import type { LoopBody } from "../../platform/workers/polling-loop.js";
import type { WorkerLog } from "../../platform/workers/worker-log.js";
import { ackTimerId } from "./external-timers.js";
import type { OverdueAckTimers } from "./worker-ports.js";

/** How late is too late, and how often to look. */
export interface AckTimerWatchdogOptions {
  /** A timer handed over this long ago and past its fire time without a callback is lost. */
  readonly graceMs: number;
  readonly intervalMs: number;
}

/** What the watchdog needs from the outside. */
export interface AckTimerWatchdogDeps {
  readonly overdue: OverdueAckTimers;
  readonly clock: Clock;
  readonly log: WorkerLog;
  /** Told when timers were re-armed, so the relay hands them over at once. */
  readonly onRearm: () => void;
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
    private readonly deps: AckTimerWatchdogDeps,
    private readonly options: AckTimerWatchdogOptions,
  ) {}

  async tick(): Promise<number> {
    const now = this.deps.clock.now();
    const rearmed = await this.deps.overdue.rearm(new Date(now.getTime() - this.options.graceMs));
    for (const timer of rearmed) {
      this.deps.log.warn(
        {
          alert_id: timer.alertId,
          escalation_level: timer.level,
          lost_timer_id: ackTimerId(timer.alertId, timer.level, timer.generation - 1),
          timer_id: ackTimerId(timer.alertId, timer.level, timer.generation),
          overdue_ms: now.getTime() - timer.fireTime.getTime(),
        },
        "acknowledgement timer overdue with no callback; re-armed it",
      );
    }
    if (rearmed.length > 0) this.deps.onRearm();
    return this.options.intervalMs;
  }
}
