import {
  type ProcessSettings,
  readProcessSettings,
  stateFile,
} from "../platform/program/process-settings.js";
import { SECRET_PATTERN, SECRET_SHAPE } from "../platform/secrets/random-secret.js";
import { type Env, integer } from "../platform/settings/env-values.js";
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

const DEFAULT_ALLOWLIST = "127.0.0.1:50051/pager.v1.PagerService/HandleAcknowledgementTimeout";

/** Parses the environment; throws a message naming the variable on bad values. */
export function readTimerConfig(env: Env): TimerConfig {
  const leaseMs = integer(env, "TIMER_LEASE_MS", 15_000, 1000, 3_600_000);
  const callbackDeadlineMs = integer(env, "TIMER_CALLBACK_DEADLINE_MS", 5000, 100, 600_000);
  if (callbackDeadlineMs >= leaseMs) {
    throw new Error(
      `TIMER_CALLBACK_DEADLINE_MS=${callbackDeadlineMs} must be shorter than ` +
        `TIMER_LEASE_MS=${leaseMs}: a claim must outlast the call it covers`,
    );
  }
  const retryBaseMs = integer(env, "TIMER_RETRY_BASE_MS", 1000, 1, 3_600_000);
  const base = readProcessSettings(env, "TIMER", {
    port: 50052,
    dataDir: ".pager-data/timer-postgres",
    dbPoolSize: 10,
    databaseUrlFrom: ["TIMER_DATABASE_URL", "DATABASE_URL"],
  });
  return {
    ...base,
    allowlist: readAllowlist(env),
    leaseMs,
    batchSize: integer(env, "TIMER_BATCH_SIZE", 100, 1, 10_000),
    maxInFlight: integer(env, "TIMER_MAX_IN_FLIGHT", 100, 1, 100_000),
    callbackDeadlineMs,
    maxAttempts: integer(env, "TIMER_MAX_ATTEMPTS", 50, 1, 1_000_000),
    retryBaseMs,
    retryMaxMs: Math.max(retryBaseMs, integer(env, "TIMER_RETRY_MAX_MS", 30_000, 1, 86_400_000)),
    maxIdleMs: integer(env, "TIMER_MAX_IDLE_MS", 1000, 10, 60_000),
    apiKeys: readApiKeys(env),
    apiKeysFile: env.TIMER_API_KEYS_FILE || stateFile(base.dataDir, "timer-api-keys"),
    callbackTls: readCallbackTls(env),
  };
}

/** A client certificate without a CA would be shown over no TLS at all: refused. */
function readCallbackTls(env: Env): ClientTls {
  const tls = readClientTls(env, {
    ca: "TIMER_CALLBACK_CA",
    cert: "TIMER_CALLBACK_CLIENT_CERT",
    key: "TIMER_CALLBACK_CLIENT_KEY",
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
  const raw = env.TIMER_API_KEYS;
  if (raw === undefined || raw.trim() === "") return null;
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
  const raw = env.TIMER_CALLBACK_ALLOWLIST ?? DEFAULT_ALLOWLIST;
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
