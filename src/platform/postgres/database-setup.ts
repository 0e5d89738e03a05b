import { type DataSource, type DataSourceOptions, MigrationExecutor } from "typeorm";
import { PoolConnection } from "./pool-connection.js";

/**
 * How long the database may keep a call waiting, in milliseconds (0: no
 * limit). Each is shorter than a caller's deadline, so a stuck statement or
 * lock fails the call with a status the caller can retry on, and frees its
 * connection, instead of holding both until the caller has long given up.
 */
export interface DatabaseTimeouts {
  /** Longest one statement may run (`statement_timeout`). */
  readonly statementMs: number;
  /** Longest one statement may wait for a row or table lock (`lock_timeout`). */
  readonly lockMs: number;
  /** Longest a transaction may sit idle between statements (`idle_in_transaction_session_timeout`). */
  readonly idleInTransactionMs: number;
}

/** How to reach the database. */
export interface DatabaseOptions {
  readonly url: string;
  /** Connections in the pool; each in-flight transaction holds one. */
  readonly poolSize: number;
  /** Application name shown in pg_stat_activity. */
  readonly applicationName?: string;
  readonly timeouts: DatabaseTimeouts;
  /**
   * Settings (`name=value`) every connection of the pool starts with, for a
   * pool that runs only statements known to want them.
   */
  readonly sessionSettings?: readonly string[];
}

/**
 * The connection settings every data source of the project shares. Schema
 * changes only through migrations, never `synchronize`, so what runs in
 * production is what was reviewed; a pool that cannot hand out a connection
 * within 10 s fails the call (UNAVAILABLE) rather than queueing it forever.
 * The timeouts are session settings of every connection of the pool.
 */
export function connectionOptions(options: DatabaseOptions, defaultName: string) {
  return {
    type: "postgres",
    url: options.url,
    synchronize: false,
    logging: false,
    applicationName: options.applicationName ?? defaultName,
    extra: {
      Client: PoolConnection,
      max: options.poolSize,
      connectionTimeoutMillis: 10_000,
      statement_timeout: options.timeouts.statementMs,
      lock_timeout: options.timeouts.lockMs,
      idle_in_transaction_session_timeout: options.timeouts.idleInTransactionMs,
      ...(options.sessionSettings === undefined
        ? {}
        : { options: options.sessionSettings.map((setting) => `-c ${setting}`).join(" ") }),
    },
  } satisfies DataSourceOptions;
}

/**
 * Connects and migrates. Several processes may start at once on one
 * database: an advisory lock (`lockKey`, fixed per schema owner) makes them
 * migrate one after the other. `prepare` runs first under the same lock, for
 * what the migrations table itself needs (a schema of its own). Waiting for
 * that lock and migrating a large table may take longer than any call may:
 * the session runs without the pool's timeouts until it is done.
 */
export async function initializeMigrated(
  dataSource: DataSource,
  lockKey: number,
  prepare: readonly string[] = [],
): Promise<DataSource> {
  await dataSource.initialize();
  try {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query("SET statement_timeout = 0; SET lock_timeout = 0");
      await runner.query("SELECT pg_advisory_lock($1)", [lockKey]);
      for (const statement of prepare) await runner.query(statement);
      const migrations = new MigrationExecutor(dataSource, runner);
      migrations.transaction = "all";
      await migrations.executePendingMigrations();
    } finally {
      await runner.query("SELECT pg_advisory_unlock($1)", [lockKey]);
      // Back to the pool's timeouts, given when the connection was opened.
      await runner.query("RESET statement_timeout; RESET lock_timeout");
      await runner.release();
    }
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
