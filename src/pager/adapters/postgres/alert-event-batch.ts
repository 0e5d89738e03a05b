import type { AlertSubject, DecidedStep, LockedAlertState } from "../../app/ports.js";

/** The most events one transaction takes: bounds its statements' size and its lock set. */
export const MAX_BATCH = 64;

/** An alert event waiting for a transaction, and how to answer its caller. */
export interface PendingEvent {
  readonly subject: AlertSubject;
  readonly decide: (locked: LockedAlertState) => DecidedStep<unknown>;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Set when its batch failed: it runs again in a transaction of its own. */
  alone: boolean;
  /** Set once its caller has its answer (its decision failed), so it is never answered twice. */
  answered?: boolean;
}

/**
 * Takes the next batch off the front of `waiting`, in arrival order: up to
 * {@link MAX_BATCH} events, or one event that must run alone.
 */
export function takeBatch(waiting: PendingEvent[]): PendingEvent[] {
  if (waiting[0]?.alone) return waiting.splice(0, 1);
  let count = 0;
  while (count < waiting.length && count < MAX_BATCH && !waiting[count]?.alone) count += 1;
  return waiting.splice(0, count);
}
