import path from "node:path";
import type { DatabaseTimeouts } from "../postgres/database-setup.js";
import {
  type BrowserReachSettings,
  browserReachSettings,
  readBrowserReach,
} from "../server/browser-reach.js";
import {
  readServerLimits,
  type ServerLimits,
  serverLimitSettings,
} from "../server/server-limits.js";
import { type Env, integer, text } from "../settings/env-values.js";
import type { IntegerSetting, Setting, TextSetting } from "../settings/setting.js";
import { readServerTls, type ServerTls, serverTlsSettings } from "../tls/server-tls.js";

/**
 * What every program of the project (pager, timer service) is told alike,
 * each under its own prefix, so that both can run from one environment.
 */
export interface ProcessSettings {
  readonly host: string;
  readonly port: number;
  /** `<prefix>_METRICS_PORT`: `/metrics` on a port of its own, open; null: on `port`, behind a key. */
  readonly metricsPort: number | null;
  /** Unset: an embedded PostgreSQL in `dataDir`. */
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  /** True when `dataDir` is the default, not the operator's choice: it may then move (see run-service). */
  readonly dataDirIsDefault: boolean;
  readonly dbPoolSize: number;
  readonly dbTimeouts: DatabaseTimeouts;
  readonly logLevel: string;
  readonly shutdownGraceMs: number;
  /** `<prefix>_ALLOWED_HOSTS` and `<prefix>_CORS_ORIGINS`: who may reach the port from a browser. */
  readonly reach: BrowserReachSettings;
  /** `<prefix>_TLS_CERT`, `_TLS_KEY`, `_TLS_CLIENT_CA`; null: cleartext. */
  readonly tls: ServerTls | null;
  /** `<prefix>_MAX_REQUEST_BYTES` and the other bounds of the port. */
  readonly limits: ServerLimits;
}

/** The defaults and words that differ between programs. */
export interface ProcessDefaults {
  readonly port: number;
  readonly dataDir: string;
  readonly dbPoolSize: number;
  /** Variables that may name the database, the first one set wins. */
  readonly databaseUrlFrom: readonly TextSetting[];
  /** Program-specific meanings that replace the generic ones in the table. */
  readonly meanings?: Partial<Record<keyof ProcessSettingTable, string>>;
}

type DefaultedText = TextSetting & { readonly fallback: string };

/** The settings every program reads alike, under its own prefix; see {@link processSettingTable}. */
export interface ProcessSettingTable {
  readonly host: DefaultedText;
  readonly port: IntegerSetting;
  /** Unset by default (its `fallback` is never used): `/metrics` then stays on the API port. */
  readonly metricsPort: IntegerSetting;
  readonly dataDir: DefaultedText;
  readonly dbPoolSize: IntegerSetting;
  readonly dbStatementTimeoutMs: IntegerSetting;
  readonly dbLockTimeoutMs: IntegerSetting;
  readonly dbIdleInTransactionTimeoutMs: IntegerSetting;
  readonly logLevel: DefaultedText;
  readonly shutdownGraceMs: IntegerSetting;
  readonly allowedHosts: TextSetting;
  readonly corsOrigins: TextSetting;
  readonly tlsCert: TextSetting;
  readonly tlsKey: TextSetting;
  readonly tlsClientCa: TextSetting;
  readonly maxRequestBytes: IntegerSetting;
  readonly maxConnections: IntegerSetting;
  readonly maxConcurrentStreams: IntegerSetting;
  readonly idleTimeoutMs: IntegerSetting;
  readonly maxDeadlineMs: IntegerSetting;
}

/**
 * `<prefix>_HOST`, `_PORT`, `_DATA_DIR`, `_DB_POOL_SIZE`, the `_DB_*_TIMEOUT_MS`, `_LOG_LEVEL`,
 * `_SHUTDOWN_GRACE_MS`, `_ALLOWED_HOSTS`, `_CORS_ORIGINS`, the TLS files and the
 * port's limits, as read and documented.
 */
export function processSettingTable(
  prefix: string,
  defaults: ProcessDefaults,
): ProcessSettingTable {
  const meanings = defaults.meanings ?? {};
  return {
    host: {
      kind: "text",
      name: `${prefix}_HOST`,
      fallback: "127.0.0.1",
      meaning: meanings.host ?? "Interface to listen on (`0.0.0.0` for all).",
    },
    port: {
      kind: "integer",
      name: `${prefix}_PORT`,
      fallback: defaults.port,
      min: 0,
      max: 65535,
      meaning: meanings.port ?? "Port for gRPC, gRPC-Web and Connect, HTTP/2 and HTTP/1.1 alike.",
    },
    metricsPort: {
      kind: "integer",
      name: `${prefix}_METRICS_PORT`,
      fallback: 0,
      min: 0,
      max: 65535,
      shownDefault: "unset",
      meaning:
        meanings.metricsPort ??
        "Port of its own for Prometheus' `GET /metrics`, open without a key (keep it off the public network); unset: `/metrics` is on the API port and needs a key.",
    },
    dataDir: {
      kind: "text",
      name: `${prefix}_DATA_DIR`,
      fallback: defaults.dataDir,
      meaning:
        meanings.dataDir ??
        "Data directory of the embedded PostgreSQL (only without a database URL). As root, the server runs as the `postgres` OS user: if it cannot reach the default directory (a checkout under `/root`), the data goes to `/var/lib/pager/<program>-<hash>/postgres` instead, and the start line says so; a directory you set must be reachable by it.",
    },
    dbPoolSize: {
      kind: "integer",
      name: `${prefix}_DB_POOL_SIZE`,
      fallback: defaults.dbPoolSize,
      min: 1,
      max: 500,
      meaning:
        meanings.dbPoolSize ??
        "Database connections; each call in flight holds one for its transaction.",
    },
    dbStatementTimeoutMs: {
      kind: "integer",
      name: `${prefix}_DB_STATEMENT_TIMEOUT_MS`,
      fallback: 5000,
      shownDefault: `\`5000\` (at most half of \`${prefix}_MAX_DEADLINE_MS\`)`,
      min: 0,
      max: 3_600_000,
      meaning: `Longest one SQL statement may run (PostgreSQL \`statement_timeout\`); the call then fails \`DEADLINE_EXCEEDED\`. Must be shorter than \`${prefix}_MAX_DEADLINE_MS\`. \`0\`: no limit.`,
    },
    dbLockTimeoutMs: {
      kind: "integer",
      name: `${prefix}_DB_LOCK_TIMEOUT_MS`,
      fallback: 3000,
      shownDefault: `\`3000\` (at most half of \`${prefix}_MAX_DEADLINE_MS\`)`,
      min: 0,
      max: 3_600_000,
      meaning: `Longest one SQL statement may wait for a lock another transaction holds (\`lock_timeout\`); the call then fails \`UNAVAILABLE\`, which clients retry. Must be shorter than \`${prefix}_MAX_DEADLINE_MS\`. \`0\`: no limit.`,
    },
    dbIdleInTransactionTimeoutMs: {
      kind: "integer",
      name: `${prefix}_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS`,
      fallback: 10_000,
      min: 0,
      max: 3_600_000,
      meaning:
        "Longest a transaction may sit idle between statements (`idle_in_transaction_session_timeout`): PostgreSQL ends the session and frees its locks, so a stalled process cannot block the rows it locked. `0`: no limit.",
    },
    logLevel: {
      kind: "text",
      name: `${prefix}_LOG_LEVEL`,
      fallback: "info",
      meaning:
        meanings.logLevel ??
        "pino level: `debug`, `info`, `warn`, `error`. One JSON line per RPC at `info`.",
    },
    shutdownGraceMs: {
      kind: "integer",
      name: `${prefix}_SHUTDOWN_GRACE_MS`,
      fallback: 10_000,
      min: 0,
      max: 600_000,
      meaning:
        meanings.shutdownGraceMs ??
        "How long shutdown waits for calls in flight before cutting them.",
    },
    ...browserReachSettings(prefix, meanings),
    ...serverTlsSettings(prefix),
    ...serverLimitSettings(prefix),
  };
}

/** A program's process settings, in the order `--help` and the README list them. */
export function processSettingList(prefix: string, defaults: ProcessDefaults): Setting[] {
  const table = processSettingTable(prefix, defaults);
  return [
    table.host,
    table.port,
    table.metricsPort,
    ...defaults.databaseUrlFrom,
    table.dataDir,
    table.dbPoolSize,
    table.dbStatementTimeoutMs,
    table.dbLockTimeoutMs,
    table.dbIdleInTransactionTimeoutMs,
    table.logLevel,
    table.shutdownGraceMs,
    table.allowedHosts,
    table.corsOrigins,
    table.tlsCert,
    table.tlsKey,
    table.tlsClientCa,
    table.maxRequestBytes,
    table.maxConnections,
    table.maxConcurrentStreams,
    table.idleTimeoutMs,
    table.maxDeadlineMs,
  ];
}

/** Reads the process settings; bad values name the variable. */
export function readProcessSettings(
  env: Env,
  prefix: string,
  defaults: ProcessDefaults,
): ProcessSettings {
  const table = processSettingTable(prefix, defaults);
  const limits = readServerLimits(env, prefix);
  return {
    host: text(env, table.host),
    port: integer(env, table.port),
    metricsPort: env[table.metricsPort.name] ? integer(env, table.metricsPort) : null,
    databaseUrl:
      defaults.databaseUrlFrom.map((setting) => text(env, setting)).find(Boolean) ?? null,
    dataDir: text(env, table.dataDir),
    dataDirIsDefault: (env[table.dataDir.name] ?? "") === "",
    dbPoolSize: integer(env, table.dbPoolSize),
    dbTimeouts: readDatabaseTimeouts(env, prefix, table, limits.maxDeadlineMs),
    logLevel: text(env, table.logLevel),
    shutdownGraceMs: integer(env, table.shutdownGraceMs),
    reach: readBrowserReach(env, prefix),
    tls: readServerTls(env, prefix),
    limits,
  };
}

/**
 * The pool's limits, each shorter than the longest deadline a call runs
 * under: a statement that outlived its call would hold a connection (and
 * its locks) for an answer nobody waits for. Unset, the statement and lock
 * limits are at most half that deadline; set, past it, they stop the start.
 */
function readDatabaseTimeouts(
  env: Env,
  prefix: string,
  table: ProcessSettingTable,
  maxDeadlineMs: number,
): DatabaseTimeouts {
  const belowDeadline = (setting: IntegerSetting): number => {
    if ((env[setting.name] ?? "") === "") {
      return Math.min(setting.fallback, Math.floor(maxDeadlineMs / 2));
    }
    const value = integer(env, setting);
    if (value !== 0 && value >= maxDeadlineMs) {
      throw new Error(
        `${setting.name}=${value} must be shorter than ${prefix}_MAX_DEADLINE_MS=${maxDeadlineMs}, the longest a call may wait for it`,
      );
    }
    return value;
  };
  return {
    statementMs: belowDeadline(table.dbStatementTimeoutMs),
    lockMs: belowDeadline(table.dbLockTimeoutMs),
    idleInTransactionMs: integer(env, table.dbIdleInTransactionTimeoutMs),
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
