import type { LoopBody } from "./polling-loop.js";
import type { WorkerLog } from "./worker-log.js";

/** A table whose planner statistics were just brought up to date. */
export interface AnalyzedTable {
  readonly table: string;
  /** Rows it holds now. */
  readonly rows: number;
  /** Rows the statistics counted before. */
  readonly rowsBefore: number;
}

/** The database side: finds the tables that outgrew their statistics and analyzes them. */
export interface TableStatistics {
  analyzeOutgrown(): Promise<readonly AnalyzedTable[]>;
}

/**
 * Keeps the planner's picture of a program's hot tables current while they
 * grow fast. Each connection keeps the plans it made (and so does each
 * foreign-key check), and a plan made while a table held nothing reads it
 * whole every time once it holds thousands of rows, until the table is
 * analyzed again and the plans are made anew. PostgreSQL's autovacuum does
 * this within a minute or so, if it runs at all; a storm into a new database
 * fills the tables in seconds. So every round, any table that has doubled
 * since it was last analyzed is analyzed now: a few times while a table is
 * young, almost never once it is large.
 */
export class StatisticsRefresh implements LoopBody {
  constructor(
    private readonly deps: { readonly tables: TableStatistics; readonly log: WorkerLog },
    private readonly intervalMs: number,
  ) {}

  async tick(): Promise<number> {
    const analyzed = await this.deps.tables.analyzeOutgrown();
    if (analyzed.length > 0) {
      this.deps.log.info({ tables: analyzed }, "analyzed tables that outgrew their statistics");
    }
    return this.intervalMs;
  }
}
