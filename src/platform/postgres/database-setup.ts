import type { DataSource, DataSourceOptions } from "typeorm";

/** How to reach the database. */
export interface DatabaseOptions {
  readonly url: string;
  /** Connections in the pool; each in-flight transaction holds one. */
  readonly poolSize: number;
  /** Application name shown in pg_stat_activity. */
  readonly applicationName?: string;
}

/**
 * The connection settings every data source of the project shares. Schema
 * changes only through migrations, never `synchronize`, so what runs in
 * production is what was reviewed; a pool that cannot hand out a connection
 * within 10 s fails the call (UNAVAILABLE) rather than queueing it forever.
 */
export function connectionOptions(options: DatabaseOptions, defaultName: string) {
  return {
    type: "postgres",
    url: options.url,
    synchronize: false,
    logging: false,
    applicationName: options.applicationName ?? defaultName,
    extra: { max: options.poolSize, connectionTimeoutMillis: 10_000 },
  } satisfies DataSourceOptions;
}

/**
 * Connects and migrates. Several processes may start at once on one
 * database: an advisory lock (`lockKey`, fixed per schema owner) makes them
 * migrate one after the other. `prepare` runs first under the same lock, for
 * what the migrations table itself needs (a schema of its own).
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
      await runner.query("SELECT pg_advisory_lock($1)", [lockKey]);
      for (const statement of prepare) await runner.query(statement);
      await dataSource.runMigrations({ transaction: "all" });
    } finally {
      await runner.query("SELECT pg_advisory_unlock($1)", [lockKey]);
      await runner.release();
    }
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
