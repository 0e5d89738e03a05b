import { stateFile } from "../../platform/program/process-settings.js";
import { SECRET_PATTERN, SECRET_SHAPE } from "../../platform/secrets/random-secret.js";
import {
  type Env,
  integer,
  optionalSecret,
  optionalUrl,
  text,
} from "../../platform/settings/env-values.js";
import type { Setting } from "../../platform/settings/setting.js";
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
   * PAGER_TIMER_TOLERANCE_MS: how early a HandleAcknowledgementTimeout may
   * come and still escalate, for a timer service whose clock runs ahead.
   */
  readonly toleranceMs: number;
  /**
   * PAGER_TIMER_CA, PAGER_TIMER_CLIENT_CERT and PAGER_TIMER_CLIENT_KEY: whom
   * to trust for an https:// timer service, and the certificate to show one
   * that asks for it.
   */
  readonly tls: ClientTls;
}

/** The variables of acknowledgement timers, as read and documented. */
export const ACK_TIMER_SETTINGS = {
  serviceUrl: {
    kind: "url",
    name: "PAGER_TIMER_URL",
    protocols: ["http:", "https:"],
    meaning:
      "The timer service, e.g. `http://127.0.0.1:50052`, or `https://…` over TLS. Unset: timers fire in this process.",
  },
  timerCa: {
    kind: "text",
    name: "PAGER_TIMER_CA",
    fallback: null,
    meaning:
      "PEM file of the CA an `https://` timer service's certificate must be signed by. Unset: the system's CAs.",
  },
  timerClientCert: {
    kind: "text",
    name: "PAGER_TIMER_CLIENT_CERT",
    fallback: null,
    meaning:
      "PEM file of the certificate the pager presents to a timer service that requires one (`TIMER_TLS_CLIENT_CA`). Needs `PAGER_TIMER_CLIENT_KEY`.",
  },
  timerClientKey: {
    kind: "text",
    name: "PAGER_TIMER_CLIENT_KEY",
    fallback: null,
    meaning: "PEM file of that certificate's private key.",
  },
  callbackUrl: {
    kind: "url",
    name: "PAGER_TIMER_CALLBACK_URL",
    // The scheme only documents the pager's port; the timer service's TIMER_CALLBACK_CA decides TLS.
    protocols: ["http:", "https:"],
    shownDefault: "`http://<host>:<port>` as listening",
    meaning:
      "Where the timer service calls the pager back (`http://host:port`, or `https://` when the pager serves TLS: the timer service then needs `TIMER_CALLBACK_CA`; must be on its `TIMER_CALLBACK_ALLOWLIST`).",
  },
  toleranceMs: {
    kind: "integer",
    name: "PAGER_TIMER_TOLERANCE_MS",
    fallback: 5000,
    min: 0,
    max: 600_000,
    meaning:
      "How early a `HandleAcknowledgementTimeout` may come, before the level's acknowledgement delay runs out, and still escalate: the clock skew forgiven to a timer service on another machine. Earlier callbacks answer `IGNORED_NOT_DUE` and change nothing (0 to 600 000).",
  },
  watchdogGraceMs: {
    kind: "integer",
    name: "PAGER_TIMER_WATCHDOG_GRACE_MS",
    fallback: 60_000,
    min: 1000,
    max: 86_400_000,
    meaning: "How overdue a handed-over timer may get, with no callback, before it is armed again.",
  },
  apiKey: {
    kind: "secret",
    name: "PAGER_TIMER_API_KEY",
    pattern: SECRET_PATTERN,
    expected: SECRET_SHAPE,
    meaning:
      "The key the pager presents to the timer service (one of its `TIMER_API_KEYS`). Required with `PAGER_TIMER_URL`. Never logged.",
  },
  callbackKey: {
    kind: "secret",
    name: "PAGER_TIMER_CALLBACK_KEY",
    pattern: SECRET_PATTERN,
    expected: SECRET_SHAPE,
    meaning:
      "The secret of the `timer`-role key every timer callback carries; the same on every replica. Registered under its hash at start. Unset: see the next line. Never logged.",
  },
  callbackKeyFile: {
    kind: "text",
    name: "PAGER_TIMER_CALLBACK_KEY_FILE",
    fallback: null,
    shownDefault: "`.pager-data/timer-callback-key` (next to `PAGER_DATA_DIR`)",
    meaning:
      "Without `PAGER_TIMER_CALLBACK_KEY`: where a pager that relays timers keeps the timer-role key it made (mode 0600), reused across restarts.",
  },
} as const satisfies Record<string, Setting>;

/** Reads the variables of {@link ACK_TIMER_SETTINGS}. */
export function readAckTimerSettings(env: Env, dataDir: string): AckTimerSettings {
  const service = optionalUrl(env, ACK_TIMER_SETTINGS.serviceUrl);
  const callback = optionalUrl(env, ACK_TIMER_SETTINGS.callbackUrl);
  if (callback !== null && service === null) {
    throw new Error(
      "PAGER_TIMER_CALLBACK_URL only matters with a timer service: set PAGER_TIMER_URL too",
    );
  }
  const apiKey = optionalSecret(env, ACK_TIMER_SETTINGS.apiKey);
  if (service !== null && apiKey === null) {
    throw new Error(
      "PAGER_TIMER_URL needs PAGER_TIMER_API_KEY: one of the keys the timer service accepts (TIMER_API_KEYS, or else the secrets in its TIMER_API_KEYS_FILE, .pager-data/timer-api-keys by default, which its first start writes)",
    );
  }
  const tls = readClientTls(env, {
    ca: ACK_TIMER_SETTINGS.timerCa,
    cert: ACK_TIMER_SETTINGS.timerClientCert,
    key: ACK_TIMER_SETTINGS.timerClientKey,
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
    watchdogGraceMs: integer(env, ACK_TIMER_SETTINGS.watchdogGraceMs),
    apiKey,
    callbackKey: optionalSecret(env, ACK_TIMER_SETTINGS.callbackKey),
    callbackKeyFile:
      text(env, ACK_TIMER_SETTINGS.callbackKeyFile) ?? stateFile(dataDir, "timer-callback-key"),
    toleranceMs: integer(env, ACK_TIMER_SETTINGS.toleranceMs),
    tls,
  };
}

function defaultPort(url: URL): string {
  return url.protocol === "https:" ? "443" : "80";
}
