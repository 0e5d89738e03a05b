import type { AlertDetails } from "../domain/alert-details.js";
import type { NewAlertEvent } from "../domain/alert-event.js";
import type { Target } from "../domain/target.js";

/**
 * What the pager's background workers need from their tables. Each worker's
 * policy (pace, retries, leases, what to log) lives in app/ and reaches its
 * rows only through one of these ports, so every rule is unit-tested with an
 * in-memory fake; the SQL, one statement per method, lives in
 * adapters/postgres. Claims carry a lease: a process that dies holding work
 * delays it by the lease at most, then another process takes it over.
 */

/** A claimed page with what its message needs from the alert and the service. */
export interface ClaimedPage {
  readonly id: string;
  readonly alertId: string;
  readonly level: number;
  readonly target: Target;
  readonly attempts: number;
  /** Attempts already made when an operator last retried the page. */
  readonly attemptsAtRetry: number;
  readonly monitoredServiceId: string;
  readonly serviceName: string;
  readonly message: string;
  readonly details: AlertDetails;
  readonly dedupKey: string;
  /** When the page was queued, in the transaction that decided it: delivery latency counts from here. */
  readonly queueTime: Date;
}

/** A page its provider accepted. */
export interface SentPage {
  readonly id: string;
  readonly sendTime: Date;
  readonly attempts: number;
  readonly providerId: string;
  /** Its timeline entry, written in the statement that marks the page, and only if it does. */
  readonly event: NewAlertEvent;
}

/** A failed attempt: due again at `retryAt`, or given up when that is null. */
export interface FailedAttempt {
  readonly id: string;
  readonly attempts: number;
  readonly reason: string;
  readonly retryAt: Date | null;
  /** Its timeline entry, written in the statement that marks the page, and only if it does. */
  readonly event: NewAlertEvent;
}

/** How many pages an escalation level has, and how many of them FAILED. */
export interface LevelOutcome {
  readonly pages: number;
  readonly failed: number;
}

/**
 * The outbox as the dispatcher works it. Every write checks the page is
 * still pending, so a late outcome never overwrites an operator's decision
 * or another dispatcher's result.
 */
export interface NotificationOutbox {
  /** Claims up to `limit` due pages for `leaseMs`, oldest due first, skipping others' claims. */
  claim(now: Date, limit: number, leaseMs: number): Promise<ClaimedPage[]>;
  /** When the next pending page becomes due or its claim runs out; null when none is pending. */
  nextDueTime(): Promise<Date | null>;
  /** The provider accepted the page: SENT. Resolves once written. */
  markSent(page: SentPage): Promise<void>;
  /** An attempt failed: pending again until `retryAt`, or FAILED. */
  markFailed(attempt: FailedAttempt, now: Date): Promise<void>;
  levelOutcome(alertId: string, level: number): Promise<LevelOutcome>;
}

/** An acknowledgement timer the relay claimed, to arm or to cancel at the timer service. */
export interface RelayedAckTimer {
  readonly alertId: string;
  readonly level: number;
  readonly fireTime: Date;
  /** The arming step: part of the timer id, grows when an arming must start afresh. */
  readonly generation: number;
  /** Failed relay attempts since the timer was last handed over. */
  readonly attempts: number;
  /** The alert stopped escalating: the timer is to be cancelled, then deleted. */
  readonly cancelled: boolean;
}

/** What a failed relay attempt leaves on the timer. */
export interface RelayFailure {
  readonly attempts: number;
  readonly error: string;
  /** The claim is held until then: the lease doubles as the backoff. */
  readonly retryAt: Date;
}

/** The acknowledgement timers still to hand to (or cancel at) an external timer service. */
export interface AckTimerRelayQueue {
  /** Claims up to `limit` timers to arm or cancel for `leaseMs`, earliest fire time first. */
  claim(now: Date, limit: number, leaseMs: number): Promise<RelayedAckTimer[]>;
  /** When the next timer to relay is free to claim (`now` for one never claimed); null: none. */
  nextDueTime(now: Date): Promise<Date | null>;
  /** The timer service holds the timer: handed over, its failures forgotten. */
  markArmed(timer: RelayedAckTimer, now: Date): Promise<void>;
  /** The timer service cancelled it: the row has nothing left to do. */
  deleteCancelled(timer: RelayedAckTimer): Promise<void>;
  /** The timer's id is taken by other content: the next arming uses the next step's id. */
  moveToNextStep(timer: RelayedAckTimer): Promise<void>;
  /** The timer service could not be reached: try again at `retryAt`. */
  backOff(timer: RelayedAckTimer, failure: RelayFailure): Promise<void>;
}

/** A timer the watchdog armed again, under the next step's id. */
export interface RearmedAckTimer {
  readonly alertId: string;
  readonly level: number;
  /** The new step; the lost timer had the one before. */
  readonly generation: number;
  readonly fireTime: Date;
}

/** Handed-over timers whose callback never came. */
export interface OverdueAckTimers {
  /**
   * Re-arms the current timer of every triggered alert that was handed over
   * and is past both its fire time and its hand-over time at `overdueBefore`:
   * the relay hands it over again under the next step's id.
   */
  rearm(overdueBefore: Date): Promise<RearmedAckTimer[]>;
}

/** A due acknowledgement timer, claimed by this process for a while. */
export interface DueAckTimer {
  readonly alertId: string;
  readonly level: number;
  /** When it was due: how late it fired counts from here. */
  readonly fireTime: Date;
}

/** Acknowledgement timers as the in-process worker fires them. */
export interface DueAckTimerQueue {
  /** Claims up to `limit` due timers for `leaseMs`, oldest due first, skipping others' claims. */
  claim(now: Date, limit: number, leaseMs: number): Promise<DueAckTimer[]>;
  /** When the next timer is due or its claim runs out; null when there is none. */
  nextDueTime(): Promise<Date | null>;
}

/** What the dispatcher counts for operators: pages by channel and outcome, and how long they took. */
export interface DeliveryMetrics {
  /** The provider accepted a page, `latencyMs` after it was queued. */
  pageSent(channel: Target["kind"], latencyMs: number): void;
  /** An attempt failed; `final` when the page is given up rather than retried. */
  pageFailed(channel: Target["kind"], final: boolean): void;
}

/** What the in-process timer worker counts: how late timers fire. */
export interface AckTimerMetrics {
  fired(latenessMs: number): void;
}

/** What the relay counts: the attempts its outage log summarises. */
export interface RelayMetrics {
  /** `count` calls to the timer service failed in one round. */
  relayFailed(count: number): void;
}
