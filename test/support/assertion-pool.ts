import pg from "pg";
import { PoolConnection } from "../../src/platform/postgres/pool-connection.js";

/**
 * A small pool for tests to read rows the API does not show. An idle client
 * of a pg.Pool that the server disconnects (the test database being dropped
 * or stopped at the end of a suite) makes the pool emit "error", and one the
 * pool is still closing when that happens emits it itself (see
 * {@link PoolConnection}); with no listener either is an uncaught exception
 * failing whichever hook runs then. A query that fails still rejects and
 * fails its test.
 */
export function assertionPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 4, Client: PoolConnection });
  pool.on("error", () => {});
  return pool;
}
