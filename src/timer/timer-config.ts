import {
  type ProcessDefaults,
  type ProcessSettings,
  processSettingList,
  readProcessSettings,
  stateFile,
} from "../platform/program/process-settings.js";
import { SECRET_PATTERN, SECRET_SHAPE } from "../platform/secrets/random-secret.js";
import { duration, type Env, integer, text } from "../platform/settings/env-values.js";
import { retentionSetting, type Setting } from "../platform/settings/setting.js";
import { type ClientTls, readClientTls } from "../platform/tls/client-tls.js";
import { CallbackAllowlist } from "./domain/callback-allowlist.js";

/**
 * Everything an operator can set on the timer service, read once at start.
 * Its own TIMER_* variables, so pager and timer can run side by side from
 * one environment; only DATABASE_URL is shared, as a fallback.
 */
export interface TimerConfig extends ProcessSettings {
  readonly allowlist: CallbackAllowlist;
  readonly leaseMs: number;
  readonly batchSize: number;
  readonly maxInFlight: number;
  readonly callbackDeadlineMs: number;
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly maxIdleMs: number;
  /** How long a finished timer is kept before retention deletes it. */
  readonly retentionMs: number;
  /** TIMER_API_KEYS: the secrets callers may present; null: read them from `apiKeysFile`. */
  readonly apiKeys: readonly string[] | null;
  /** One secret per line; made with one fresh secret on a first start without TIMER_API_KEYS. */
  readonly apiKeysFile: string;
  /**
   * TIMER_CALLBACK_CA, TIMER_CALLBACK_CLIENT_CERT, TIMER_CALLBACK_CLIENT_KEY:
   * with a CA, callbacks go over TLS trusting it, showing the certificate to
   * callees that ask for one; without, in cleartext.
   */
  readonly callbackTls: ClientTls;
}

const TIMER_DEFAULTS: ProcessDefaults = {
  port: 50052,
  dataDir: ".pager-data/timer-postgres",
  dbPoolSize: 10,
  databaseUrlFrom: [
    {
      kind: "text",
      name: "TIMER_DATABASE_URL",
      fallback: null,
      shownDefault: "`DATABASE_URL`",
      meaning: "PostgreSQL URL; tables in schema `timer`. Both unset: embedded PostgreSQL.",
    },
    {
      kind: "text",
      name: "DATABASE_URL",
      fallback: null,
      meaning: "The database shared with the pager, used when `TIMER_DATABASE_URL` is unset.",
    },
  ],
  meanings: {
    dbPoolSize: "Database connections (plus one that listens for new timers).",
    logLevel: "pino level; `debug` logs each fired timer with its lateness.",
    allowedHosts: "As `PAGER_ALLOWED_HOSTS`, for the timer service's port.",
    corsOrigins: "As `PAGER_CORS_ORIGINS`, for the timer service's port.",
  },
};

/** The timer service's own variables beyond the process ones, as read and documented. */
export const TIMER_SETTINGS = {
  callbackAllowlist: {
    kind: "text",
    name: "TIMER_CALLBACK_ALLOWLIST",
    fallback: "127.0.0.1:50051/pager.v1.PagerService/HandleAcknowledgementTimeout",
    meaning:
      "Comma-separated calls callbacks may make, exactly as written: `host:port/package.Service/Method`, or `host:port` for every method of that endpoint.",
  },
  apiKeys: {
    kind: "text",
    name: "TIMER_API_KEYS",
    fallback: null,
    meaning:
      "Comma-separated secrets (32 lower-case letters and digits, e.g. `openssl rand -hex 16`) callers must present as `authorization: Bearer <key>`.",
  },
  apiKeysFile: {
    kind: "text",
    name: "TIMER_API_KEYS_FILE",
    fallback: null,
    shownDefault: "`.pager-data/timer-api-keys` (next to `TIMER_DATA_DIR`)",
    meaning:
      "Without `TIMER_API_KEYS`: the accepted secrets, one per line (`#` comments allowed); created with one fresh secret, mode 0600, when missing. Read at start.",
  },
  callbackCa: {
    kind: "text",
    name: "TIMER_CALLBACK_CA",
    fallback: null,
    meaning:
      "PEM file of a CA: callbacks go over TLS, the callee's certificate checked against it (the system bundle for a public CA). Unset: callbacks in cleartext.",
  },
  callbackClientCert: {
    kind: "text",
    name: "TIMER_CALLBACK_CLIENT_CERT",
    fallback: null,
    meaning:
      "PEM file of the certificate callbacks present to callees that require one (`PAGER_TLS_CLIENT_CA`). Needs `TIMER_CALLBACK_CA` and `TIMER_CALLBACK_CLIENT_KEY`.",
  },
  callbackClientKey: {
    kind: "text",
    name: "TIMER_CALLBACK_CLIENT_KEY",
    fallback: null,
    meaning: "PEM file of that certificate's private key.",
  },
  leaseMs: {
    kind: "integer",
    name: "TIMER_LEASE_MS",
    fallback: 15_000,
    min: 1000,
    max: 3_600_000,
    meaning:
      "How long a replica's claim on a due timer lasts; a dead replica's timers fire after this.",
  },
  callbackDeadlineMs: {
    kind: "integer",
    name: "TIMER_CALLBACK_DEADLINE_MS",
    fallback: 5000,
    min: 100,
    max: 600_000,
    meaning: "Deadline of each callback; must be shorter than the lease.",
  },
  maxAttempts: {
    kind: "integer",
    name: "TIMER_MAX_ATTEMPTS",
    fallback: 50,
    min: 1,
    max: 1_000_000,
    meaning:
      "Attempts before a timer is `FAILED` (with the default backoff, about 17 minutes of retries).",
  },
  retryBaseMs: {
    kind: "integer",
    name: "TIMER_RETRY_BASE_MS",
    fallback: 1000,
    min: 1,
    max: 3_600_000,
    meaning:
      "Backoff between attempts: doubling from this, with jitter, up to `TIMER_RETRY_MAX_MS`.",
  },
  retryMaxMs: {
    kind: "integer",
    name: "TIMER_RETRY_MAX_MS",
    fallback: 30_000,
    min: 1,
    max: 86_400_000,
    meaning: "Longest backoff between attempts (at least `TIMER_RETRY_BASE_MS`).",
  },
  batchSize: {
    kind: "integer",
    name: "TIMER_BATCH_SIZE",
    fallback: 100,
    min: 1,
    max: 10_000,
    meaning: "Timers claimed per round.",
  },
  maxInFlight: {
    kind: "integer",
    name: "TIMER_MAX_IN_FLIGHT",
    fallback: 100,
    min: 1,
    max: 100_000,
    meaning:
      "Callbacks in flight per replica; keep it below what the callee answers within the deadline.",
  },
  retention: retentionSetting(
    "TIMER_RETENTION",
    7,
    "How long a fired, failed or cancelled timer is kept; older ones are deleted.",
  ),
  maxIdleMs: {
    kind: "integer",
    name: "TIMER_MAX_IDLE_MS",
    fallback: 1000,
    min: 10,
    max: 60_000,
    meaning: "Longest sleep between looks at the table, should a notification be lost.",
  },
} as const satisfies Record<string, Setting>;

/** Every variable the timer service reads, in the order `--help` and the README list them. */
export function timerSettingList(): Setting[] {
  return [...processSettingList("TIMER", TIMER_DEFAULTS), ...Object.values(TIMER_SETTINGS)];
}

/** Parses the environment; throws a message naming the variable on bad values. */
export function readTimerConfig(env: Env): TimerConfig {
  const leaseMs = integer(env, TIMER_SETTINGS.leaseMs);
  const callbackDeadlineMs = integer(env, TIMER_SETTINGS.callbackDeadlineMs);
  if (callbackDeadlineMs >= leaseMs) {
    throw new Error(
      `TIMER_CALLBACK_DEADLINE_MS=${callbackDeadlineMs} must be shorter than ` +
        `TIMER_LEASE_MS=${leaseMs}: a claim must outlast the call it covers`,
    );
  }
  const retryBaseMs = integer(env, TIMER_SETTINGS.retryBaseMs);
  const base = readProcessSettings(env, "TIMER", TIMER_DEFAULTS);
  return {
    ...base,
    allowlist: readAllowlist(env),
    leaseMs,
    batchSize: integer(env, TIMER_SETTINGS.batchSize),
    maxInFlight: integer(env, TIMER_SETTINGS.maxInFlight),
    callbackDeadlineMs,
    maxAttempts: integer(env, TIMER_SETTINGS.maxAttempts),
    retryBaseMs,
    retryMaxMs: Math.max(retryBaseMs, integer(env, TIMER_SETTINGS.retryMaxMs)),
    maxIdleMs: integer(env, TIMER_SETTINGS.maxIdleMs),
    retentionMs: duration(env, TIMER_SETTINGS.retention),
    apiKeys: readApiKeys(env),
    apiKeysFile: text(env, TIMER_SETTINGS.apiKeysFile) ?? stateFile(base.dataDir, "timer-api-keys"),
    callbackTls: readCallbackTls(env),
  };
}

/** A client certificate without a CA would be shown over no TLS at all: refused. */
function readCallbackTls(env: Env): ClientTls {
  const tls = readClientTls(env, {
    ca: TIMER_SETTINGS.callbackCa,
    cert: TIMER_SETTINGS.callbackClientCert,
    key: TIMER_SETTINGS.callbackClientKey,
  });
  if (tls.ca === null && tls.cert !== null) {
    throw new Error(
      "TIMER_CALLBACK_CLIENT_CERT needs TIMER_CALLBACK_CA: callbacks use TLS only when it names the CA to trust",
    );
  }
  return tls;
}

/** Several keys at once let callers move to a new one before the old one is removed. */
function readApiKeys(env: Env): string[] | null {
  const raw = text(env, TIMER_SETTINGS.apiKeys);
  if (raw === null || raw.trim() === "") return null;
  const keys = raw
    .split(",")
    .map((key) => key.trim())
    .filter((key) => key !== "");
  keys.forEach((key, index) => {
    if (!SECRET_PATTERN.test(key)) {
      throw new Error(
        `TIMER_API_KEYS: entry ${index + 1} must be ${SECRET_SHAPE} (values are not shown)`,
      );
    }
  });
  return keys;
}

function readAllowlist(env: Env): CallbackAllowlist {
  // Set but empty allows nothing, and is refused below, rather than meaning the default.
  const { name, fallback } = TIMER_SETTINGS.callbackAllowlist;
  const raw = env[name] ?? fallback;
  try {
    const allowlist = CallbackAllowlist.parse(raw);
    if (allowlist.entries().length === 0) throw new Error("it lists no endpoint");
    return allowlist;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `TIMER_CALLBACK_ALLOWLIST="${raw}" must be comma-separated host:port/package.Service/Method entries (or host:port for every method): ${reason}`,
    );
  }
}
