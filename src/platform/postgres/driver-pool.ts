import type pg from "pg";
import type { DataSource } from "typeorm";

/**
 * The node-postgres pool under a connected TypeORM data source (TypeORM
 * keeps it as `driver.master`): for a statement that TypeORM's query
 * building and entity hydration would only slow down, on the same
 * connections as the rest of the data source's work.
 */
export function driverPool(dataSource: DataSource): pg.Pool {
  const pool = (dataSource.driver as unknown as { master?: pg.Pool }).master;
  if (pool === undefined) throw new Error("the data source is not connected");
  return pool;
}
