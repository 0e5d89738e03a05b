import { stateFile } from "../../platform/program/process-settings.js";
import { SECRET_PATTERN, SECRET_SHAPE } from "../../platform/secrets/random-secret.js";
import { type Env, integer, optionalSecret } from "../../platform/settings/env-values.js";
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

/**
 * Reads PAGER_ADMIN_KEY, PAGER_ADMIN_KEY_FILE, PAGER_RATE_LIMIT_PER_SECOND,
 * PAGER_RATE_LIMIT_BURST and PAGER_API_KEY_CACHE_TTL_MS. Key files default
 * to the directory that holds the embedded database's data directory
 * (`.pager-data/`), so one directory holds all of a pager's state.
 */
export function readAuthSettings(env: Env, dataDir: string): AuthSettings {
  const requestsPerSecond = integer(env, "PAGER_RATE_LIMIT_PER_SECOND", 2000, 1, 1_000_000);
  const burst = integer(
    env,
    "PAGER_RATE_LIMIT_BURST",
    Math.max(10_000, requestsPerSecond),
    1,
    10_000_000,
  );
  if (burst < requestsPerSecond) {
    throw new Error(
      `PAGER_RATE_LIMIT_BURST=${burst} must be at least PAGER_RATE_LIMIT_PER_SECOND=${requestsPerSecond}`,
    );
  }
  return {
    adminKey: optionalSecret(env, "PAGER_ADMIN_KEY", SECRET_PATTERN, SECRET_SHAPE),
    adminKeyFile: env.PAGER_ADMIN_KEY_FILE || stateFile(dataDir, "admin-key"),
    defaultRateLimit: { requestsPerSecond, burst },
    keyCacheTtlMs: integer(env, "PAGER_API_KEY_CACHE_TTL_MS", 5000, 0, 60_000),
  };
}
