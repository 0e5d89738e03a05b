import type { DataSource } from "typeorm";
import { type LoopErrorHandler, PollingLoop } from "../workers/polling-loop.js";
import { StatisticsRefresh } from "../workers/statistics-refresh.js";
import type { WorkerLog } from "../workers/worker-log.js";
import { PostgresOutgrownTables } from "./outgrown-tables.js";

/** A table is analyzed for having grown once it holds this many rows at least. */
const MIN_ROWS = 500;
/** How often the tables' counters are read: one query on PostgreSQL's own statistics. */
const INTERVAL_MS = 1000;
/**
 * After a failed round (the database away, an ANALYZE past the statement
 * timeout on a huge table): a table still outgrown would otherwise be
 * analyzed again every second, each time up to the timeout.
 */
const RETRY_AFTER_ERROR_MS = 60_000;

/**
 * The loop that keeps a program's hot `tables` analyzed as they grow (see
 * {@link StatisticsRefresh}), for the programs to start and stop with their
 * other workers.
 */
export function statisticsRefreshLoop(
  dataSource: DataSource,
  tables: readonly string[],
  log: WorkerLog,
  onError: LoopErrorHandler,
): PollingLoop {
  return new PollingLoop(
    new StatisticsRefresh(
      { tables: new PostgresOutgrownTables(dataSource, tables, MIN_ROWS), log },
      INTERVAL_MS,
    ),
    onError,
    RETRY_AFTER_ERROR_MS,
  );
}
