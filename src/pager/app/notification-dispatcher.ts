import type { Clock } from "../../platform/time/clock.js";
import { delayUntilDue } from "../../platform/workers/delay-until-due.js";
import { InFlightDeliveries } from "../../platform/workers/in-flight-deliveries.js";
import type { LoopBody } from "../../platform/workers/polling-loop.js";
import { decideRetry, type RetryPolicy } from "../../platform/workers/retry-backoff.js";
import { retryWithinClaim } from "../../platform/workers/retry-within-claim.js";
import type { WorkerLog } from "../../platform/workers/worker-log.js";
import type { Actor } from "../domain/actor.js";
import { pageFailed, pageSent } from "../domain/page-delivery-events.js";
import type { Target } from "../domain/target.js";
import {
  DeliveryError,
  type DeliveryReceipt,
  type NotificationChannel,
} from "./notification-channel.js";
import type { ClaimedPage, DeliveryMetrics, NotificationOutbox } from "./worker-ports.js";

/** How the dispatcher paces itself. */
export interface DispatcherOptions {
  /** Pages claimed per round at most. */
  readonly batchSize: number;
  /** Deliveries under way at once at most; a full house claims nothing more. */
  readonly maxInFlight: number;
  /** How long a claim lasts; a dispatcher that dies holding pages delays them this long at most. */
  readonly leaseMs: number;
  readonly maxIdleMs: number;
  readonly retry: RetryPolicy;
}

/** What the dispatcher needs from the outside. */
export interface DispatcherDeps {
  readonly outbox: NotificationOutbox;
  readonly channelFor: (target: Target) => NotificationChannel;
  readonly clock: Clock;
  readonly log: WorkerLog;
  /** Told after an attempt's outcome and timeline entry are written, so live watchers hear at once. */
  readonly recorded: () => void;
  readonly metrics: DeliveryMetrics;
}

const MAX_ERROR_LENGTH = 1000;
/** What the timeline names as the actor of a delivery attempt. */
const DISPATCHER: Actor = { kind: "system", name: "dispatcher" };

/**
 * Delivers the outbox. Pages are claimed with a lease, so any number of
 * processes can dispatch and a page claimed by a process that died is
 * delivered by another once the lease runs out. Deliveries run on after the
 * round that claimed them, up to `maxInFlight`: a provider that answers
 * slowly (or not at all, until the timeout) never holds other pages back.
 */
export class NotificationDispatcher implements LoopBody {
  /**
   * A delivery that ends in a full house asks for a round at once: there is
   * room again. Others ask for none: under load a round per ended delivery
   * would claim a page or two at a time, each claim a statement.
   */
  private readonly inFlight: InFlightDeliveries;
  private wake: (withinMs?: number) => void = () => {};

  constructor(
    private readonly deps: DispatcherDeps,
    private readonly options: DispatcherOptions,
    private readonly random: () => number = Math.random,
  ) {
    this.inFlight = new InFlightDeliveries(
      options.maxInFlight,
      (err) =>
        deps.log.error(
          { err },
          "delivery outcome not recorded; the page is retried after its lease",
        ),
      (wasFull) => {
        if (wasFull) this.wake();
      },
    );
  }

  attach(wake: (withinMs?: number) => void): void {
    this.wake = wake;
  }

  async tick(): Promise<number> {
    const room = this.inFlight.room(this.options.batchSize);
    // Full house: the next delivery to end wakes the loop.
    if (room <= 0) return this.options.maxIdleMs;
    const now = this.deps.clock.now();
    const claimed = await this.deps.outbox.claim(now, room, this.options.leaseMs);
    // Outcomes are written until a quarter of the lease is left, never after another may claim.
    const giveUpAt = new Date(now.getTime() + (this.options.leaseMs * 3) / 4);
    for (const page of claimed) this.inFlight.track(this.deliver(page, giveUpAt));
    if (claimed.length === room) return 0;
    return delayUntilDue(await this.deps.outbox.nextDueTime(), now, this.options.maxIdleMs);
  }

  /** Waits for the deliveries in flight, so a stopping dispatcher records what it delivered. */
  drain(): Promise<void> {
    return this.inFlight.drain();
  }

  private async deliver(page: ClaimedPage, giveUpAt: Date): Promise<void> {
    const attempts = page.attempts + 1;
    let receipt: DeliveryReceipt;
    try {
      receipt = await this.deps.channelFor(page.target).send({ ...page, notificationId: page.id });
    } catch (error) {
      await this.recordFailure(page, attempts, error, giveUpAt);
      return;
    }
    const sendTime = this.deps.clock.now();
    this.deps.metrics.pageSent(page.target.kind, sendTime.getTime() - page.queueTime.getTime());
    const sent = {
      id: page.id,
      sendTime,
      attempts,
      providerId: receipt.providerId,
      event: pageSent(
        page,
        { attempt: attempts, providerMessageId: receipt.providerId },
        { actor: DISPATCHER, now: sendTime },
      ),
    };
    // The page is out: not recording it would send it again once the lease runs out.
    await retryWithinClaim(() => this.deps.outbox.markSent(sent), giveUpAt, this.deps.clock);
    this.deps.recorded();
  }

  private async recordFailure(
    page: ClaimedPage,
    attempts: number,
    error: unknown,
    giveUpAt: Date,
  ): Promise<void> {
    const permanent = error instanceof DeliveryError && error.permanent;
    const reason = (error instanceof Error ? error.message : String(error)).slice(
      0,
      MAX_ERROR_LENGTH,
    );
    // The budget counts from the operator's last retry; `attempts` itself never goes back.
    const decision = decideRetry(
      this.options.retry,
      attempts - page.attemptsAtRetry,
      permanent,
      this.random(),
    );
    const now = this.deps.clock.now();
    const retryAt = decision.kind === "retry" ? new Date(now.getTime() + decision.delayMs) : null;
    this.deps.metrics.pageFailed(page.target.kind, retryAt === null);
    const event = pageFailed(
      page,
      { attempt: attempts, error: reason, final: retryAt === null },
      { actor: DISPATCHER, now },
    );
    await retryWithinClaim(
      () => this.deps.outbox.markFailed({ id: page.id, attempts, reason, retryAt, event }, now),
      giveUpAt,
      this.deps.clock,
    );
    // The retry may fall due before the round the loop has planned.
    if (retryAt !== null) this.wake(retryAt.getTime() - now.getTime());
    this.deps.recorded();
    this.deps.log.warn(
      {
        notification_id: page.id,
        alert_id: page.alertId,
        escalation_level: page.level,
        attempts,
        reason,
      },
      retryAt === null ? "page delivery failed" : "page delivery failed; will retry",
    );
    if (retryAt === null) await this.warnIfLevelUnreached(page);
  }

  /**
   * An escalation level whose every page failed reached nobody: that must
   * stand out from single failures. Each failure is written (committed)
   * before this check reads, so of two dispatchers failing a level's last
   * pages at once, at least the later one sees them all failed.
   */
  private async warnIfLevelUnreached(page: ClaimedPage): Promise<void> {
    const { pages, failed } = await this.deps.outbox.levelOutcome(page.alertId, page.level);
    if (failed < pages) return;
    this.deps.log.warn(
      { alert_id: page.alertId, escalation_level: page.level, pages },
      "every page of this escalation level failed: nobody was reached",
    );
  }
}
