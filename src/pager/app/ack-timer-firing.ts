import type { Clock } from "../../platform/time/clock.js";
import { delayUntilDue } from "../../platform/workers/delay-until-due.js";
import type { LoopBody } from "../../platform/workers/polling-loop.js";
import type { WorkerLog } from "../../platform/workers/worker-log.js";
import type { TimeoutOutcome } from "../domain/escalation.js";
import type { AckTimerMetrics, DueAckTimer, DueAckTimerQueue } from "./worker-ports.js";

/** How the in-process timer worker paces itself. */
export interface AckTimerFiringOptions {
  /** Timers claimed per round. */
  readonly batchSize: number;
  /** How long a claim lasts; a process that dies holding it delays the page this long at most. */
  readonly leaseMs: number;
  /** Longest sleep, so timers armed by other processes are seen within this delay. */
  readonly maxIdleMs: number;
}

/** What the in-process timer worker needs from the outside. */
export interface AckTimerFiringDeps {
  readonly queue: DueAckTimerQueue;
  /**
   * The same use case as the HandleAcknowledgementTimeout RPC; it consumes
   * the timer in its transaction, so a fired timer is not fired again.
   */
  readonly fire: (timer: DueAckTimer) => Promise<TimeoutOutcome>;
  readonly clock: Clock;
  readonly log: WorkerLog;
  readonly metrics: AckTimerMetrics;
}

/**
 * Fires due acknowledgement timers in this process, when no external timer
 * service does. Claims carry a lease, so several processes share the work
 * and a crashed one's claims come back after `leaseMs`. A round fires its
 * whole claim before the next: a timer that cannot be fired (the database
 * restarting) fails the round, which the loop retries.
 */
export class AckTimerFiring implements LoopBody {
  constructor(
    private readonly deps: AckTimerFiringDeps,
    private readonly options: AckTimerFiringOptions,
  ) {}

  async tick(): Promise<number> {
    const now = this.deps.clock.now();
    const due = await this.deps.queue.claim(now, this.options.batchSize, this.options.leaseMs);
    const results = await Promise.allSettled(due.map((timer) => this.fire(timer)));
    const failures = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    if (failures.length > 0) {
      throw new AggregateError(
        failures,
        `${failures.length} of ${due.length} timers failed to fire`,
      );
    }
    if (due.length === this.options.batchSize) return 0;
    return delayUntilDue(await this.deps.queue.nextDueTime(), now, this.options.maxIdleMs);
  }

  private async fire(timer: DueAckTimer): Promise<void> {
    const outcome = await this.deps.fire(timer);
    this.deps.metrics.fired(this.deps.clock.now().getTime() - timer.fireTime.getTime());
    this.deps.log.info(
      { alert_id: timer.alertId, escalation_level: timer.level, outcome },
      "timer fired",
    );
  }
}
