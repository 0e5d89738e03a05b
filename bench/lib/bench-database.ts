import pg from "pg";

/**
 * A throwaway database per bench run on the PostgreSQL server the bench is
 * pointed at, so a run starts from empty tables, never touches the data of
 * tests running on the same server, and leaves nothing behind.
 */
export interface BenchDatabase {
  readonly name: string;
  /** URL of the new database, for the server under test. */
  readonly url: string;
  /** Runs a query on the bench database (read-only use: settling, stats). */
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /** Backend pids connected to the bench database, excluding the bench's own. */
  backendPids(): Promise<number[]>;
  /** Closes the bench's connections and drops the database (forcing out stragglers). */
  drop(): Promise<void>;
  /** Closes the connections and keeps the database, for another run to use. */
  keep(): Promise<void>;
}

/** Creates `pager_bench_<timestamp>` on the server of `adminUrl`. */
export async function createBenchDatabase(
  adminUrl: string,
  template: string | null = null,
): Promise<BenchDatabase> {
  const name = `pager_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl, application_name: "pager-bench" });
  await admin.connect();
  await admin.query(
    `CREATE DATABASE ${name}${template === null ? "" : ` TEMPLATE ${admin.escapeIdentifier(template)}`}`,
  );
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({
    connectionString: url.toString(),
    application_name: "pager-bench",
  });
  await client.connect();
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]) {
      const result = await client.query<R>(text, values);
      return result.rows;
    },
    async backendPids() {
      const result = await admin.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name <> 'pager-bench'",
        [name],
      );
      return result.rows.map((row) => row.pid);
    },
    async keep() {
      dropped = true;
      await client.end();
      await admin.end();
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      await client.end().catch(() => {});
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
