import type { Clock } from "../../platform/time/clock.js";
import { delayUntilDue } from "../../platform/workers/delay-until-due.js";
import { OutageLog } from "../../platform/workers/outage-log.js";
import type { LoopBody } from "../../platform/workers/polling-loop.js";
import { decideRetry, type RetryPolicy } from "../../platform/workers/retry-backoff.js";
import type { WorkerLog } from "../../platform/workers/worker-log.js";
import { ackTimerId, type ExternalTimerService, TimerIdTakenError } from "./external-timers.js";
import type { AckTimerRelayQueue, RelayedAckTimer, RelayMetrics } from "./worker-ports.js";

/** How the relay paces itself. */
export interface AckTimerRelayOptions {
  readonly batchSize: number;
  /** How long a claim lasts: longer than one call to the timer service. */
  readonly leaseMs: number;
  readonly maxIdleMs: number;
  /** Backoff while the timer service cannot be reached; attempts never run out. */
  readonly retry: RetryPolicy;
}

/** What the relay needs from the outside. */
export interface AckTimerRelayDeps {
  readonly queue: AckTimerRelayQueue;
  readonly timers: ExternalTimerService;
  readonly clock: Clock;
  readonly log: WorkerLog;
  readonly metrics: RelayMetrics;
}

const MAX_ERROR_LENGTH = 1000;
/** The relay talks to one timer service: its outage is the only one. */
const TIMER_SERVICE = "timer-service";

/**
 * Hands acknowledgement timers to the external timer service after commit:
 * SetTimer for a new one, CancelTimer (then delete) for a cancelled one. The
 * timer is written with the escalation, so a crash between commit and
 * SetTimer loses nothing: it is still there for this relay, in this process
 * or another, and the deterministic timer id makes the retry a no-op if the
 * first call got through. Claims with a lease let several pagers relay; the
 * lease doubles as the backoff while the timer service is unreachable.
 */
export class AckTimerRelay implements LoopBody {
  /** Retrying every few hundred ms, the relay would log an outage hundreds of times. */
  private readonly outage: OutageLog;

  constructor(
    private readonly deps: AckTimerRelayDeps,
    private readonly options: AckTimerRelayOptions,
    private readonly random: () => number = Math.random,
  ) {
    this.outage = new OutageLog(deps.log, deps.clock, {
      failing: "could not relay timers to the timer service; will retry",
      recovered: "relaying timers to the timer service again",
    });
  }

  async tick(): Promise<number> {
    const now = this.deps.clock.now();
    const timers = await this.deps.queue.claim(now, this.options.batchSize, this.options.leaseMs);
    const failed = (await Promise.all(timers.map((timer) => this.relay(timer)))).filter(
      (error) => error !== null,
    );
    if (failed.length > 0) {
      this.deps.metrics.relayFailed(failed.length);
      this.outage.failed(TIMER_SERVICE, { reason: failed[0] }, failed.length);
    } else if (timers.length > 0) this.outage.succeeded(TIMER_SERVICE);
    if (timers.length === this.options.batchSize) return 0;
    return delayUntilDue(await this.deps.queue.nextDueTime(now), now, this.options.maxIdleMs);
  }

  /** Relays one timer; resolves with why it failed, or null. */
  private async relay(timer: RelayedAckTimer): Promise<string | null> {
    const timerId = ackTimerId(timer.alertId, timer.level, timer.generation);
    try {
      if (timer.cancelled) {
        await this.deps.timers.cancel(timerId);
        await this.deps.queue.deleteCancelled(timer);
        return null;
      }
      await this.deps.timers.arm({
        timerId,
        alertId: timer.alertId,
        level: timer.level,
        fireTime: timer.fireTime,
      });
      await this.deps.queue.markArmed(timer, this.deps.clock.now());
      return null;
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).slice(
        0,
        MAX_ERROR_LENGTH,
      );
      if (error instanceof TimerIdTakenError) {
        await this.moveToNextStep(timer, timerId, reason);
        return null;
      }
      await this.backOff(timer, reason);
      return reason;
    }
  }

  /** The id is taken by other content: the next step's id is free, and arming goes on under it. */
  private async moveToNextStep(
    timer: RelayedAckTimer,
    timerId: string,
    reason: string,
  ): Promise<void> {
    await this.deps.queue.moveToNextStep(timer);
    this.deps.log.warn(
      { alert_id: timer.alertId, escalation_level: timer.level, timer_id: timerId, reason },
      "timer id taken at the timer service with other content; arming under the next id",
    );
  }

  private async backOff(timer: RelayedAckTimer, reason: string): Promise<void> {
    const attempts = timer.attempts + 1;
    const decision = decideRetry(this.options.retry, attempts, false, this.random());
    const delayMs = decision.kind === "retry" ? decision.delayMs : this.options.retry.maxDelayMs;
    const retryAt = new Date(this.deps.clock.now().getTime() + delayMs);
    await this.deps.queue.backOff(timer, { attempts, error: reason, retryAt });
  }
}
