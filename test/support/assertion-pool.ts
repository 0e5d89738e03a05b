import pg from "pg";

/**
 * A small pool for tests to read rows the API does not show. An idle client
 * of a pg.Pool that the server disconnects (the test database being dropped
 * or stopped at the end of a suite) makes the pool emit "error", which with
 * no listener is an uncaught exception failing whichever hook runs then; a
 * query that fails still rejects and fails its test.
 */
export function assertionPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on("error", () => {});
  return pool;
}
