import path from "node:path";
import { type BrowserReachSettings, readBrowserReach } from "../server/browser-reach.js";
import { readServerLimits, type ServerLimits } from "../server/server-limits.js";
import { type Env, integer } from "../settings/env-values.js";
import { readServerTls, type ServerTls } from "../tls/server-tls.js";

/**
 * What every program of the project (pager, timer service) is told alike,
 * each under its own prefix, so that both can run from one environment.
 */
export interface ProcessSettings {
  readonly host: string;
  readonly port: number;
  /** Unset: an embedded PostgreSQL in `dataDir`. */
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  readonly dbPoolSize: number;
  readonly logLevel: string;
  readonly shutdownGraceMs: number;
  /** `<prefix>_ALLOWED_HOSTS` and `<prefix>_CORS_ORIGINS`: who may reach the port from a browser. */
  readonly reach: BrowserReachSettings;
  /** `<prefix>_TLS_CERT`, `_TLS_KEY`, `_TLS_CLIENT_CA`; null: cleartext. */
  readonly tls: ServerTls | null;
  /** `<prefix>_MAX_REQUEST_BYTES` and the other bounds of the port. */
  readonly limits: ServerLimits;
}

/** The defaults that differ between programs. */
export interface ProcessDefaults {
  readonly port: number;
  readonly dataDir: string;
  readonly dbPoolSize: number;
  /** Variables that may name the database, the first one set wins. */
  readonly databaseUrlFrom: readonly string[];
}

/**
 * Reads `<prefix>_HOST`, `_PORT`, `_DATA_DIR`, `_DB_POOL_SIZE`, `_LOG_LEVEL`,
 * `_SHUTDOWN_GRACE_MS`, `_ALLOWED_HOSTS`, `_CORS_ORIGINS`, the TLS files, the
 * port's limits and the database URL; bad values name the variable.
 */
export function readProcessSettings(
  env: Env,
  prefix: string,
  defaults: ProcessDefaults,
): ProcessSettings {
  return {
    host: env[`${prefix}_HOST`] || "127.0.0.1",
    port: integer(env, `${prefix}_PORT`, defaults.port, 0, 65535),
    databaseUrl: defaults.databaseUrlFrom.map((name) => env[name]).find(Boolean) ?? null,
    dataDir: env[`${prefix}_DATA_DIR`] || defaults.dataDir,
    dbPoolSize: integer(env, `${prefix}_DB_POOL_SIZE`, defaults.dbPoolSize, 1, 500),
    logLevel: env[`${prefix}_LOG_LEVEL`] || "info",
    shutdownGraceMs: integer(env, `${prefix}_SHUTDOWN_GRACE_MS`, 10_000, 0, 600_000),
    reach: readBrowserReach(env, prefix),
    tls: readServerTls(env, prefix),
    limits: readServerLimits(env, prefix),
  };
}

/**
 * A file of a program's own state next to its embedded database's data
 * directory, e.g. `.pager-data/admin-key` for `.pager-data/postgres`: one
 * directory holds everything a program keeps between starts.
 */
export function stateFile(dataDir: string, name: string): string {
  return path.join(path.dirname(dataDir), name);
}
