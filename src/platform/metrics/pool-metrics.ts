import { Gauge, type Registry } from "prom-client";
import type { DataSource } from "typeorm";
import { driverPool } from "../postgres/driver-pool.js";

/** What node-postgres' Pool tells about itself, TypeORM's own included. */
export interface PgPoolCounts {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

/**
 * Connection pool series, by pool name: connections in use and idle, and
 * queries waiting for a connection. Waiting queries mean the pool, not the
 * database, limits throughput (raise `*_DB_POOL_SIZE`, or find what holds
 * connections). Read from the pools themselves at scrape: no query.
 */
export function registerPoolMetrics(
  registry: Registry,
  pools: Readonly<Record<string, DataSource | PgPoolCounts>>,
): void {
  const countsOf = (pool: DataSource | PgPoolCounts): PgPoolCounts | null => {
    if (!("driver" in pool)) return pool;
    return pool.isInitialized ? driverPool(pool) : null;
  };
  const gauge = (name: string, help: string, value: (counts: PgPoolCounts) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ["pool"],
      registers: [registry],
      collect() {
        for (const [pool, dataSource] of Object.entries(pools)) {
          const counts = countsOf(dataSource);
          if (counts !== null) this.set({ pool }, value(counts));
        }
      },
    });
  gauge(
    "db_pool_connections_in_use",
    "Database connections lent out to a query or transaction.",
    (c) => c.totalCount - c.idleCount,
  );
  gauge(
    "db_pool_connections_idle",
    "Open database connections waiting for work.",
    (c) => c.idleCount,
  );
  gauge(
    "db_pool_waiting_requests",
    "Queries and transactions waiting for a free database connection.",
    (c) => c.waitingCount,
  );
}
