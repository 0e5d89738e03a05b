import type { Clock } from "../../platform/time/clock.js";
import { delayUntilDue } from "../../platform/workers/delay-until-due.js";
import { InFlightDeliveries } from "../../platform/workers/in-flight-deliveries.js";
import { OutageLog } from "../../platform/workers/outage-log.js";
import { decideRetry, type RetryPolicy } from "../../platform/workers/retry-backoff.js";
import type { WorkerLog } from "../../platform/workers/worker-log.js";
import type { CallbackAllowlist } from "../domain/callback-allowlist.js";
import type {
  CallbackResult,
  CallbackSender,
  ClaimedTimer,
  DueTimerQueue,
  FiringMetrics,
} from "./ports.js";

/** How a replica paces its deliveries. */
export interface FiringOptions {
  /** Most timers claimed per round. */
  readonly batchSize: number;
  /** Most deliveries in flight at once; claims stop there, so leases are not wasted waiting. */
  readonly maxInFlight: number;
  /** How long a claim lasts; longer than a delivery and its recording can take. */
  readonly leaseMs: number;
  /** Deadline of each callback. */
  readonly deadlineMs: number;
  /** Longest sleep: timers nobody told this replica about are found within this delay. */
  readonly maxIdleMs: number;
  readonly retry: RetryPolicy;
}

/** What firing needs from the outside. */
export interface FiringDeps {
  readonly queue: DueTimerQueue;
  readonly sender: CallbackSender;
  readonly clock: Clock;
  readonly allowlist: CallbackAllowlist;
  readonly log: WorkerLog;
  readonly metrics: FiringMetrics;
}

/**
 * Delivers due callbacks, at least once. A timer is marked fired only after
 * the callee answered OK; a replica that dies first leaves its claim to
 * expire and another replica calls again, which is why callees must treat a
 * repeated callback as harmless. Deliveries do not hold up the next round: a
 * slow callee costs its own deadline, never the punctuality of other timers.
 */
export class TimerFiring {
  private wakeWithin: (delayMs: number) => void = () => {};
  /** A delivery ending while the replica was at its limit asks for a round at once. */
  private readonly inFlight: InFlightDeliveries;
  /** A callee that is down fails every timer due meanwhile: one outage, not a line per timer. */
  private readonly unreachable: OutageLog;

  constructor(
    private readonly deps: FiringDeps,
    private readonly options: FiringOptions,
    private readonly random: () => number = Math.random,
  ) {
    this.inFlight = new InFlightDeliveries(
      options.maxInFlight,
      (err) => deps.log.error({ err }, "could not record a delivery; its lease will bring it back"),
      (wasFull) => {
        if (wasFull) this.wakeWithin(0);
      },
    );
    this.unreachable = new OutageLog(deps.log, deps.clock, {
      failing: "callback failed; will retry",
      recovered: "callbacks to this endpoint succeed again",
    });
  }

  /** One round: claims what is due and room allows, starts delivering; returns ms until the next. */
  async tick(): Promise<number> {
    const room = this.inFlight.room(this.options.batchSize);
    if (room <= 0) return this.options.maxIdleMs;
    const now = this.deps.clock.now();
    const claimed = await this.deps.queue.claim(now, room, this.options.leaseMs);
    for (const timer of claimed) this.inFlight.track(this.fire(timer));
    if (claimed.length === room) return 0;
    return delayUntilDue(await this.deps.queue.nextDueTime(now), now, this.options.maxIdleMs);
  }

  /**
   * Takes the loop's way to ask for a round: at once when a delivery ends
   * while the replica was at its limit, at the retry time after a failure.
   */
  attach(wake: (withinMs?: number) => void): void {
    this.wakeWithin = wake;
  }

  /** Waits for the deliveries in flight, so a stopping replica records what it delivered. */
  drain(): Promise<void> {
    return this.inFlight.drain();
  }

  private async fire(timer: ClaimedTimer): Promise<void> {
    const attempts = timer.attempts + 1;
    const result = await this.send(timer);
    const now = this.deps.clock.now();
    const { endpoint, method } = timer.callback;
    const fields = { timer_id: timer.id, method, attempts };
    // An attempt is counted when it is made, before its outcome is written: a
    // reader who sees the outcome in the database finds the attempt counted.
    if (result.ok) {
      this.deps.metrics.attempted("OK", false);
      await this.deps.queue.markFired(timer.id, attempts, now);
      const latenessMs = now.getTime() - timer.fireTime.getTime();
      this.deps.metrics.fired(latenessMs);
      this.deps.log.debug({ ...fields, lateness_ms: latenessMs }, "timer fired");
      this.unreachable.succeeded(endpoint, { endpoint });
      return;
    }
    const decision = decideRetry(this.options.retry, attempts, !result.retryable, this.random());
    const retryAt = decision.kind === "retry" ? new Date(now.getTime() + decision.delayMs) : null;
    this.deps.metrics.attempted(result.code, retryAt !== null);
    await this.deps.queue.recordFailure(timer.id, { attempts, error: result.error, retryAt, now });
    if (retryAt === null) {
      this.deps.log.error({ ...fields, error: result.error }, "timer failed; giving up");
      return;
    }
    this.unreachable.failed(endpoint, {
      endpoint,
      ...fields,
      error: result.error,
      retry_at: retryAt.toISOString(),
    });
    this.wakeWithin(retryAt.getTime() - now.getTime());
  }

  /** The allow-list is checked again: it may have shrunk since the timer was set. */
  private send(timer: ClaimedTimer): Promise<CallbackResult> {
    const { endpoint, method } = timer.callback;
    if (!this.deps.allowlist.allows(endpoint, method)) {
      return Promise.resolve({
        ok: false,
        retryable: false,
        error: `${endpoint}/${method} is no longer on the callback allow-list`,
        code: "NOT_ALLOWED",
      });
    }
    return this.deps.sender.send(timer.callback, this.options.deadlineMs);
  }
}
