import { createBenchDatabase } from "./bench-database.js";
import { runBench } from "./rpc-throughput/bench-run.js";
import { cleanUpOnInterrupt, tearDown } from "./rpc-throughput/clean-up.js";
import { printPreamble } from "./rpc-throughput/preamble.js";
import { printReport } from "./rpc-throughput/report.js";
import { readSettings } from "./rpc-throughput/settings.js";
import type { ServerProcess } from "./server-process.js";

/**
 * `npm run bench`: RPC throughput and latency of the pager against a real
 * PostgreSQL, with the server in its own process so its CPU and memory are
 * measured apart from the load generator's.
 *
 * For each concurrency it measures Health/Check (the cheapest call: the
 * floor set by HTTP/2 + Connect + our interceptors), SendAlert→ResolveAlert
 * cycles and AcknowledgeAlert, prints a table with each rate as a ratio of
 * the health rate at the same concurrency, and checks the targets. A missed
 * target is a finding, not a failure: the process fails only on errors
 * (unexpected RPC failures or outcomes, a server that does not start or stop).
 *
 * Environment: DATABASE_URL (server where a throwaway database is created;
 * default the local test server), BENCH_SECONDS (5), BENCH_WARMUP_SECONDS
 * (2; 0 skips), BENCH_CONCURRENCY ("1,8,32"), BENCH_SERVICES (200),
 * BENCH_ACK_POOL (1000), BENCH_PHASES ("health,cycle,ack"),
 * BENCH_SERVER_LOG_LEVEL (warn). Other PAGER_* variables (PAGER_DB_POOL_SIZE…)
 * reach the server unchanged. To look inside the server: BENCH_SQL_STATS=1
 * (statements per call) and BENCH_CPU_PROF=<phase>[@<concurrency>] (e.g.
 * "cycle@32": V8 profile of the server during that phase's measured windows).
 *
 * The pieces live in bench/rpc-throughput/.
 */
async function main(): Promise<number> {
  const settings = readSettings(process.env);
  printPreamble(settings);
  const db = await createBenchDatabase(settings.adminUrl);
  const redacted = new URL(db.url);
  redacted.password = "";
  console.log(`database: ${redacted.toString()} (created for this run, dropped at the end)`);
  let server: ServerProcess | null = null;
  const releaseInterrupts = cleanUpOnInterrupt(db, () => server);
  const run = await runBench(settings, db, (started) => {
    server = started;
  });
  releaseInterrupts();
  const stop = await tearDown(run.server, db);
  printReport(settings, run, stop, db.name);
  const failed =
    run.failure !== null || run.errors.total > 0 || stop.exitCode !== 0 || stop.dropError !== null;
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  },
);
