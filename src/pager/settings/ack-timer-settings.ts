import { type Env, integer, optionalUrl } from "../../platform/settings/env-values.js";

/**
 * Where the pager's acknowledgement timers run. Without a timer service they
 * fire in the pager (the single-machine default: nothing else to run); with
 * one, the pager hands each timer to it and waits for the callback.
 */
export interface AckTimerSettings {
  /** The timer.v1 service, e.g. `http://127.0.0.1:50052`; null: timers fire in-process. */
  readonly serviceUrl: string | null;
  /** host:port the timer service calls back; null: the pager's own listening address. */
  readonly callbackEndpoint: string | null;
  /** How overdue a handed-over timer may get before the watchdog arms it again. */
  readonly watchdogGraceMs: number;
}

/** Reads PAGER_TIMER_URL, PAGER_TIMER_CALLBACK_URL and PAGER_TIMER_WATCHDOG_GRACE_MS. */
export function readAckTimerSettings(env: Env): AckTimerSettings {
  const service = optionalUrl(env, "PAGER_TIMER_URL", ["http:", "https:"]);
  const callback = optionalUrl(env, "PAGER_TIMER_CALLBACK_URL", ["http:"]);
  if (callback !== null && service === null) {
    throw new Error(
      "PAGER_TIMER_CALLBACK_URL only matters with a timer service: set PAGER_TIMER_URL too",
    );
  }
  return {
    serviceUrl: service?.href.replace(/\/$/, "") ?? null,
    callbackEndpoint: callback === null ? null : `${callback.hostname}:${callback.port || "80"}`,
    watchdogGraceMs: integer(env, "PAGER_TIMER_WATCHDOG_GRACE_MS", 60_000, 1000, 86_400_000),
  };
}
