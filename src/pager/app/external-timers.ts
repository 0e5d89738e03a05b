/** An acknowledgement timer as the pager hands it to an external timer service. */
export interface ExternalAckTimer {
  readonly timerId: string;
  readonly alertId: string;
  readonly level: number;
  readonly fireTime: Date;
}

/**
 * The external timer service (timer.v1) as the pager uses it: it holds the
 * acknowledgement timers and calls HandleAcknowledgementTimeout back when
 * they expire. Both calls are safe to repeat, which is what lets the relay
 * retry them after any failure or crash.
 */
export interface ExternalTimerService {
  /** Sets the timer; the same id with the same content again is a no-op. */
  arm(timer: ExternalAckTimer): Promise<void>;
  /** Cancels it; harmless when it already fired or never arrived. */
  cancel(timerId: string): Promise<void>;
}

/**
 * The timer service holds this id with another content (the callback
 * address changed, say): the timer must be armed again under a new id.
 */
export class TimerIdTakenError extends Error {
  override readonly name = "TimerIdTakenError";
}

/**
 * The deterministic id of one arming of (alert, level): `step` is 0 for the
 * timer set with the escalation and grows only when the watchdog re-arms. A
 * crash and retry therefore reuse the id, and the timer service keeps one
 * timer, never two.
 */
export function ackTimerId(alertId: string, level: number, step: number): string {
  return `pager-ack-${alertId}-${level}-${step}`;
}
