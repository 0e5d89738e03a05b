import type { DataSource } from "typeorm";
import type { AnalyzedTable, TableStatistics } from "../workers/statistics-refresh.js";

interface OutgrownRow {
  table: string;
  rows: string;
  rows_before: number;
}

/**
 * A sample of 3,000 rows a table instead of the default 30,000: what the
 * plans here need is the tables' size, and a full analysis of a grown table
 * takes a core for half a second, holding every call of a storm up that
 * long. The finer statistics come back with the next regular analysis
 * (autovacuum's, where it runs).
 */
const SAMPLE = "SET LOCAL default_statistics_target = 10";

/**
 * Finds, in PostgreSQL's own counters, the named tables (`name` or
 * `schema.name`) that hold at least twice the rows their statistics counted
 * (and at least `minRows`), and analyzes them. Growth, not churn: rows
 * updated in place leave the count alone, so a small table updated all day
 * is not analyzed over and over. Only tables this role may analyze are
 * considered, so a role that does not own them neither fails nor fills the
 * server's log with warnings, and a table that does not exist (yet) is
 * passed over. SKIP_LOCKED: a table another session is analyzing or
 * altering is left for the next round.
 */
export class PostgresOutgrownTables implements TableStatistics {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tables: readonly string[],
    private readonly minRows: number,
  ) {}

  async analyzeOutgrown(): Promise<readonly AnalyzedTable[]> {
    const rows: OutgrownRow[] = await this.dataSource.query(
      `SELECT s.relid::regclass::text AS table, s.n_live_tup AS rows,
              greatest(c.reltuples, 0)::float8 AS rows_before
         FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
        WHERE s.relid = ANY(ARRAY(SELECT to_regclass(name) FROM unnest($1::text[]) name))
          AND s.n_live_tup >= greatest($2, 2 * c.reltuples)
          AND pg_has_role(c.relowner, 'MEMBER')
        ORDER BY 1`,
      [this.tables, this.minRows],
    );
    if (rows.length === 0) return [];
    await this.dataSource.transaction(async (manager) => {
      await manager.query(SAMPLE);
      // A regclass as text is the name quoted as needed, with its schema when off the search path.
      await manager.query(`ANALYZE (SKIP_LOCKED) ${rows.map((row) => row.table).join(", ")}`);
    });
    return rows.map((row) => ({
      table: row.table,
      rows: Number(row.rows),
      rowsBefore: row.rows_before,
    }));
  }
}
