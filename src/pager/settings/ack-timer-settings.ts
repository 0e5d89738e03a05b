import { stateFile } from "../../platform/program/process-settings.js";
import { SECRET_PATTERN, SECRET_SHAPE } from "../../platform/secrets/random-secret.js";
import {
  type Env,
  integer,
  optionalSecret,
  optionalUrl,
} from "../../platform/settings/env-values.js";
import { type ClientTls, hasClientTls, readClientTls } from "../../platform/tls/client-tls.js";

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
   * PAGER_TIMER_CA, PAGER_TIMER_CLIENT_CERT and PAGER_TIMER_CLIENT_KEY: whom
   * to trust for an https:// timer service, and the certificate to show one
   * that asks for it.
   */
  readonly tls: ClientTls;
}

/**
 * Reads PAGER_TIMER_URL, PAGER_TIMER_CALLBACK_URL, PAGER_TIMER_WATCHDOG_GRACE_MS,
 * PAGER_TIMER_API_KEY, PAGER_TIMER_CALLBACK_KEY, PAGER_TIMER_CALLBACK_KEY_FILE
 * and the TLS files for the timer service.
 */
export function readAckTimerSettings(env: Env, dataDir: string): AckTimerSettings {
  const service = optionalUrl(env, "PAGER_TIMER_URL", ["http:", "https:"]);
  // The scheme only documents the pager's port; the timer service's TIMER_CALLBACK_CA decides TLS.
  const callback = optionalUrl(env, "PAGER_TIMER_CALLBACK_URL", ["http:", "https:"]);
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
  const tls = readClientTls(env, {
    ca: "PAGER_TIMER_CA",
    cert: "PAGER_TIMER_CLIENT_CERT",
    key: "PAGER_TIMER_CLIENT_KEY",
  });
  if (hasClientTls(tls) && service?.protocol !== "https:") {
    throw new Error(
      "PAGER_TIMER_CA and PAGER_TIMER_CLIENT_CERT are for a timer service reached over TLS: make PAGER_TIMER_URL https://",
    );
  }
  return {
    serviceUrl: service?.href.replace(/\/$/, "") ?? null,
    callbackEndpoint:
      callback === null ? null : `${callback.hostname}:${callback.port || defaultPort(callback)}`,
    watchdogGraceMs: integer(env, "PAGER_TIMER_WATCHDOG_GRACE_MS", 60_000, 1000, 86_400_000),
    apiKey,
    callbackKey: optionalSecret(env, "PAGER_TIMER_CALLBACK_KEY", SECRET_PATTERN, SECRET_SHAPE),
    callbackKeyFile: env.PAGER_TIMER_CALLBACK_KEY_FILE || stateFile(dataDir, "timer-callback-key"),
    tls,
  };
}

function defaultPort(url: URL): string {
  return url.protocol === "https:" ? "443" : "80";
}
