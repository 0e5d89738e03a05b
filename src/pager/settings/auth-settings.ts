import { stateFile } from "../../platform/program/process-settings.js";
import { SECRET_PATTERN, SECRET_SHAPE } from "../../platform/secrets/random-secret.js";
import { type Env, integer, optionalSecret, text } from "../../platform/settings/env-values.js";
import type { Setting } from "../../platform/settings/setting.js";
import type { RateLimit } from "../domain/api-key.js";

/** How callers prove who they are, and how often they may call. */
export interface AuthSettings {
  /** PAGER_ADMIN_KEY: an admin key's secret chosen by the operator; nothing is written then. */
  readonly adminKey: string | null;
  /** Where the first admin key's secret is written when the database has no key. */
  readonly adminKeyFile: string;
  /** The rate limit of keys that have none of their own. */
  readonly defaultRateLimit: RateLimit;
  /** How long a process trusts a key it read: the longest a revocation takes to reach it. */
  readonly keyCacheTtlMs: number;
}

/** The variables of keys and rate limits, as read and documented. */
export const AUTH_SETTINGS = {
  adminKey: {
    kind: "secret",
    name: "PAGER_ADMIN_KEY",
    pattern: SECRET_PATTERN,
    expected: SECRET_SHAPE,
    meaning:
      "An admin key's secret you choose (32 lower-case letters and digits, e.g. `openssl rand -hex 16`); registered under its hash at start, and no key file is written. Never logged.",
  },
  adminKeyFile: {
    kind: "text",
    name: "PAGER_ADMIN_KEY_FILE",
    fallback: null,
    shownDefault: "`.pager-data/admin-key` (next to `PAGER_DATA_DIR`)",
    meaning:
      "Where the first start writes the first admin key's secret (mode 0600) when the database holds no key.",
  },
  rateLimitPerSecond: {
    kind: "integer",
    name: "PAGER_RATE_LIMIT_PER_SECOND",
    fallback: 2000,
    min: 1,
    max: 1_000_000,
    meaning: "Calls per second a key without its own `rate_limit` may make, per pager process.",
  },
  rateLimitBurst: {
    kind: "integer",
    name: "PAGER_RATE_LIMIT_BURST",
    fallback: 10_000,
    min: 1,
    max: 10_000_000,
    shownDefault: "`10000` (at least the rate)",
    meaning: "Calls such a key may make at once after a quiet spell: a 10,000-alert storm passes.",
  },
  keyCacheTtlMs: {
    kind: "integer",
    name: "PAGER_API_KEY_CACHE_TTL_MS",
    fallback: 5000,
    min: 0,
    max: 60_000,
    meaning:
      "How long a process trusts a key it read from the database: a key revoked on another replica is refused here within this time (at once on the replica that revoked it). `0`: read on every call.",
  },
} as const satisfies Record<string, Setting>;

/**
 * Reads the variables of {@link AUTH_SETTINGS}. Key files default to the
 * directory that holds the embedded database's data directory
 * (`.pager-data/`), so one directory holds all of a pager's state.
 */
export function readAuthSettings(env: Env, dataDir: string): AuthSettings {
  const requestsPerSecond = integer(env, AUTH_SETTINGS.rateLimitPerSecond);
  const burst = integer(
    env,
    AUTH_SETTINGS.rateLimitBurst,
    Math.max(AUTH_SETTINGS.rateLimitBurst.fallback, requestsPerSecond),
  );
  if (burst < requestsPerSecond) {
    throw new Error(
      `PAGER_RATE_LIMIT_BURST=${burst} must be at least PAGER_RATE_LIMIT_PER_SECOND=${requestsPerSecond}`,
    );
  }
  return {
    adminKey: optionalSecret(env, AUTH_SETTINGS.adminKey),
    adminKeyFile: text(env, AUTH_SETTINGS.adminKeyFile) ?? stateFile(dataDir, "admin-key"),
    defaultRateLimit: { requestsPerSecond, burst },
    keyCacheTtlMs: integer(env, AUTH_SETTINGS.keyCacheTtlMs),
  };
}
