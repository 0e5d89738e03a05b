import type { ListCursor } from "../../platform/listing/list-cursor.js";
import type { Clock } from "../../platform/time/clock.js";
import type { CallbackAllowlist } from "../domain/callback-allowlist.js";
import type { Callback, Timer, TimerState } from "../domain/timer.js";

/** Filters of ListTimers; null means any. */
export interface TimerFilter {
  readonly state: TimerState | null;
}

/**
 * Timers as the API sees them. Each call is one statement, so no transaction
 * runner is needed: the primary key settles every race between SetTimers.
 */
export interface TimerStore {
  /**
   * Stores the timer unless one with its id exists; true when stored. Tells
   * every replica of the new fire time, so one that sleeps longer wakes.
   */
  insertIfAbsent(timer: Timer): Promise<boolean>;
  get(id: string): Promise<Timer | null>;
  list(filter: TimerFilter, page: ListCursor): Promise<Timer[]>;
  /** Cancels a scheduled or firing timer; a final one, or none, is left as it is. */
  cancel(id: string, now: Date): Promise<void>;
}

/** What the timer API's use cases are built from. */
export interface TimerDeps {
  readonly store: TimerStore;
  readonly clock: Clock;
  readonly allowlist: CallbackAllowlist;
}

/** A due timer this replica has claimed, for the length of its lease. */
export interface ClaimedTimer {
  readonly id: string;
  readonly fireTime: Date;
  readonly callback: Callback;
  /** Attempts made before this one. */
  readonly attempts: number;
}

/**
 * The due side of the timer table. Claims carry a lease: a replica that dies
 * holding timers delays them by the lease at most, then another takes them.
 */
export interface DueTimerQueue {
  /** Claims up to `limit` due timers for `leaseMs`, oldest due first, skipping others' claims. */
  claim(now: Date, limit: number, leaseMs: number): Promise<ClaimedTimer[]>;
  /** When the next live timer that is not claimed at `now` is due; null when none waits. */
  nextDueTime(now: Date): Promise<Date | null>;
  /** The callee answered OK: final, unless the timer was cancelled meanwhile. */
  markFired(id: string, attempts: number, now: Date): Promise<void>;
  /** An attempt failed: due again at `retryAt`, or failed for good when it is null. */
  recordFailure(id: string, failure: RecordedFailure): Promise<void>;
}

/** What a failed attempt leaves on the timer. */
export interface RecordedFailure {
  readonly attempts: number;
  readonly error: string;
  readonly retryAt: Date | null;
  readonly now: Date;
}

/** How one delivery attempt ended. */
export type CallbackResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly retryable: boolean;
      readonly error: string;
      /** The gRPC code the callee answered (`UNAVAILABLE`…), or `NOT_ALLOWED` when we did not call. */
      readonly code: string;
    };

/** What firing counts for operators (Prometheus series, in production). */
export interface FiringMetrics {
  /** An attempt ended with `code` (`OK` when the callee accepted); `retry` when it is tried again. */
  attempted(code: string, retry: boolean): void;
  /** A timer's callback was accepted, `latenessMs` after its fire time. */
  fired(latenessMs: number): void;
}

/** Makes the gRPC call a timer describes. Never throws: every failure is a result. */
export interface CallbackSender {
  send(callback: Callback, deadlineMs: number): Promise<CallbackResult>;
}
