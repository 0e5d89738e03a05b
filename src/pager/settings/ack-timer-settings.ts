import { stateFile } from "../../platform/program/process-settings.js";
import { SECRET_PATTERN, SECRET_SHAPE } from "../../platform/secrets/random-secret.js";
import {
  type Env,
  integer,
  optionalSecret,
  optionalUrl,
} from "../../platform/settings/env-values.js";

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
  /** PAGER_TIMER_API_KEY: what the pager presents to the timer service; set with serviceUrl. */
  readonly apiKey: string | null;
  /**
   * PAGER_TIMER_CALLBACK_KEY: the secret of the timer-role key each callback
   * carries, chosen by the operator (the same on every replica); null: the
   * pager makes one and keeps it in `callbackKeyFile`.
   */
  readonly callbackKey: string | null;
  readonly callbackKeyFile: string;
  /**
   * PAGER_TIMER_TOLERANCE_MS: how early a HandleAcknowledgementTimeout may
   * come and still escalate, for a timer service whose clock runs ahead.
   */
  readonly toleranceMs: number;
}

/**
 * Reads PAGER_TIMER_URL, PAGER_TIMER_CALLBACK_URL, PAGER_TIMER_WATCHDOG_GRACE_MS,
 * PAGER_TIMER_API_KEY, PAGER_TIMER_CALLBACK_KEY, PAGER_TIMER_CALLBACK_KEY_FILE and
 * PAGER_TIMER_TOLERANCE_MS.
 */
export function readAckTimerSettings(env: Env, dataDir: string): AckTimerSettings {
  const service = optionalUrl(env, "PAGER_TIMER_URL", ["http:", "https:"]);
  const callback = optionalUrl(env, "PAGER_TIMER_CALLBACK_URL", ["http:"]);
  if (callback !== null && service === null) {
    throw new Error(
      "PAGER_TIMER_CALLBACK_URL only matters with a timer service: set PAGER_TIMER_URL too",
    );
  }
  const apiKey = optionalSecret(env, "PAGER_TIMER_API_KEY", SECRET_PATTERN, SECRET_SHAPE);
  if (service !== null && apiKey === null) {
    throw new Error(
      "PAGER_TIMER_URL needs PAGER_TIMER_API_KEY: one of the keys the timer service accepts (TIMER_API_KEYS)",
    );
  }
  return {
    serviceUrl: service?.href.replace(/\/$/, "") ?? null,
    callbackEndpoint: callback === null ? null : `${callback.hostname}:${callback.port || "80"}`,
    watchdogGraceMs: integer(env, "PAGER_TIMER_WATCHDOG_GRACE_MS", 60_000, 1000, 86_400_000),
    apiKey,
    callbackKey: optionalSecret(env, "PAGER_TIMER_CALLBACK_KEY", SECRET_PATTERN, SECRET_SHAPE),
    callbackKeyFile: env.PAGER_TIMER_CALLBACK_KEY_FILE || stateFile(dataDir, "timer-callback-key"),
    toleranceMs: integer(env, "PAGER_TIMER_TOLERANCE_MS", 5000, 0, 600_000),
  };
}
