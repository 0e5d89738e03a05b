import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { StringValueSchema, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { TimerService } from "../gen/timer/v1/timer_service_pb.js";
import { startCallbackServer } from "../test/support/callback-server.js";
import { freePort } from "../test/support/free-port.js";
import { mapConcurrently } from "../test/support/map-concurrently.js";
import { type ServiceProcess, startServiceProcess } from "../test/support/service-process.js";
import { createTestDatabase } from "../test/support/test-database.js";
import { TEST_KEYS } from "../test/support/test-keys.js";
import { readPositive } from "./lib/env-settings.js";
import { LoadClient } from "./lib/grpc-load-client.js";
import { summarize } from "./lib/latency-stats.js";
import { readCpuMs } from "./lib/proc-stats.js";

/**
 * `npm run bench:timer`: how late the timer service fires, and how many
 * callbacks a second it delivers, with the service in its own process(es)
 * on a real PostgreSQL and the callee a bare grpc-js server in this process
 * that notes when each callback arrives.
 *
 * Phase "spread": BENCH_TIMERS timers (10 000) due evenly over
 * BENCH_SPREAD_SECONDS (60), all set before the first is due; lateness is
 * fire time → callback received. Phase "burst": BENCH_BURST timers (10 000)
 * all due at one instant; throughput is callbacks per second from that
 * instant to the last arrival. Targets (2 cores): p99 lateness ≤ 1 s in the
 * spread, ≥ 500 callbacks/s in the burst.
 *
 * Environment: DATABASE_URL (a server where a throwaway database is
 * created; unset: embedded PostgreSQL), BENCH_TIMER_REPLICAS (1),
 * BENCH_SET_CONCURRENCY (64). Other TIMER_* variables reach the replicas.
 */

const CALLEE = "bench.v1.Callee/Fire";
const LATENESS_TARGET_MS = 1000;
const THROUGHPUT_TARGET = 500;
/** A pessimistic SetTimer rate, to place the first fire time after the last SetTimer. */
const ASSUMED_SET_RATE = 200;

const env = process.env;
const integer = (name: string, fallback: number) =>
  readPositive(env, name, fallback, { integer: true });
const settings = {
  timers: integer("BENCH_TIMERS", 10_000),
  spreadMs: readPositive(env, "BENCH_SPREAD_SECONDS", 60) * 1000,
  burst: integer("BENCH_BURST", 10_000),
  replicas: integer("BENCH_TIMER_REPLICAS", 1),
  setConcurrency: integer("BENCH_SET_CONCURRENCY", 64),
};

/** Arrival time of each callback by timer index; a second arrival is a duplicate. */
interface Arrivals {
  readonly at: Map<number, number>;
  duplicates: number;
}

async function main(): Promise<number> {
  const db = await createTestDatabase();
  const arrivals: Arrivals = { at: new Map(), duplicates: 0 };
  const callee = await startCallbackServer([CALLEE], (request) => {
    const index = Number(fromBinary(StringValueSchema, request).value);
    if (arrivals.at.has(index)) arrivals.duplicates += 1;
    else arrivals.at.set(index, performance.timeOrigin + performance.now());
    return Buffer.alloc(0);
  });
  const replicas: ServiceProcess[] = [];
  try {
    replicas.push(...(await startReplicas(db.url, callee.endpoint)));
    const clients = replicas.map(
      (replica) => new LoadClient(replica.address, TEST_KEYS.timerService),
    );
    console.log(
      `timer bench: ${settings.replicas} replica(s), callee in this process, ` +
        `database ${env.DATABASE_URL ? "on DATABASE_URL's server" : "embedded"}`,
    );
    const run = { clients, replicas, arrivals, endpoint: callee.endpoint };
    const spread = await phase("spread", settings.timers, settings.spreadMs, run);
    arrivals.at.clear();
    const burst = await phase("burst", settings.burst, 0, run);
    for (const client of clients) client.close();
    printTargets(spread, burst);
    const lost = spread.missing + burst.missing;
    console.log(`missing callbacks: ${lost}; duplicates: ${arrivals.duplicates}`);
    return lost > 0 ? 1 : 0;
  } finally {
    await Promise.all(replicas.map((replica) => replica.kill("SIGTERM")));
    await callee.close();
    await db.drop();
  }
}

/** BENCH_TIMER_REPLICAS timer services on one database, calling back only `endpoint`. */
async function startReplicas(databaseUrl: string, endpoint: string): Promise<ServiceProcess[]> {
  const replicas: ServiceProcess[] = [];
  for (let i = 0; i < settings.replicas; i++) {
    const port = await freePort();
    replicas.push(
      await startServiceProcess(
        "test/support/timer-main.ts",
        {
          ...timerEnv(),
          DATABASE_URL: databaseUrl,
          TIMER_PORT: String(port),
          TIMER_CALLBACK_ALLOWLIST: endpoint,
          TIMER_API_KEYS: TEST_KEYS.timerService,
        },
        `127.0.0.1:${port}`,
      ),
    );
  }
  return replicas;
}

/** Each target with its verdict; a miss is a finding, lost callbacks are the failure. */
function printTargets(spread: { p99: number }, burst: { rate: number }): void {
  console.log("\n== targets");
  console.log(
    `p99 lateness (spread)   ${spread.p99.toFixed(0)} ms  target ≤ ${LATENESS_TARGET_MS} ms  ` +
      (spread.p99 <= LATENESS_TARGET_MS ? "met" : "MISSED"),
  );
  console.log(
    `throughput (burst)      ${burst.rate.toFixed(0)} callbacks/s  target ≥ ${THROUGHPUT_TARGET}  ` +
      (burst.rate >= THROUGHPUT_TARGET ? "met" : "MISSED"),
  );
}

/** TIMER_* settings of this environment, which the replicas get. */
function timerEnv(): Record<string, string> {
  const entries = Object.entries(env).filter(([name]) => name.startsWith("TIMER_"));
  return { TIMER_LOG_LEVEL: "warn", ...Object.fromEntries(entries) } as Record<string, string>;
}

/** What every phase uses: clients of the replicas, the replicas, the callee and its arrivals. */
interface Run {
  readonly clients: readonly LoadClient[];
  readonly replicas: readonly ServiceProcess[];
  readonly arrivals: Arrivals;
  readonly endpoint: string;
}

/** Sets `count` timers due over `spreadMs` (0: all at once), waits for them, prints the figures. */
async function phase(name: string, count: number, spreadMs: number, run: Run) {
  const { clients, replicas, arrivals } = run;
  const firstDue = Date.now() + 3000 + (count / ASSUMED_SET_RATE) * 1000;
  const dueOf = (i: number) => firstDue + Math.floor((i * spreadMs) / count);
  const setStarted = performance.now();
  let setLate = 0;
  await mapConcurrently(
    Array.from({ length: count }, (_, i) => i),
    settings.setConcurrency,
    async (i) => {
      const client = clients[i % clients.length] as LoadClient;
      await client.call(TimerService.method.setTimer, {
        timerId: `${name}-${i}`,
        schedule: { case: "fireTime", value: timestampFromMs(dueOf(i)) },
        callback: {
          endpoint: run.endpoint,
          method: CALLEE,
          request: toBinary(StringValueSchema, create(StringValueSchema, { value: String(i) })),
        },
      });
      if (Date.now() > dueOf(i)) setLate += 1;
    },
  );
  const setSeconds = (performance.now() - setStarted) / 1000;
  const cpuBefore = replicas.map((r) => readCpuMs(r.pid) ?? 0);
  const deadline = dueOf(count - 1) + 60_000;
  while (arrivals.at.size < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const cpuMs = replicas.reduce(
    (sum, r, i) => sum + (readCpuMs(r.pid) ?? 0) - (cpuBefore[i] ?? 0),
    0,
  );
  const lateness = [...arrivals.at].map(([i, at]) => at - dueOf(i));
  const stats = summarize(lateness);
  const lastArrival = Math.max(...arrivals.at.values());
  const windowMs = lastArrival - firstDue;
  const rate = (arrivals.at.size / Math.max(windowMs, 1)) * 1000;
  console.log(
    `\n== ${name}: ${count} timers due ${spreadMs === 0 ? "at one instant" : `over ${spreadMs / 1000} s`}`,
  );
  console.log(
    `SetTimer: ${(count / setSeconds).toFixed(0)}/s (${setSeconds.toFixed(1)} s)` +
      (setLate > 0 ? `; ${setLate} set after their fire time (lateness includes that)` : ""),
  );
  console.log(
    `lateness ms: p50 ${stats.p50.toFixed(0)}  p99 ${stats.p99.toFixed(0)}  max ${stats.max.toFixed(0)}`,
  );
  console.log(
    `callbacks: ${arrivals.at.size} of ${count} in ${(windowMs / 1000).toFixed(1)} s from the first ` +
      `fire time = ${rate.toFixed(0)}/s; timer service CPU ${(cpuMs / Math.max(arrivals.at.size, 1)).toFixed(2)} ms per callback`,
  );
  return { p99: stats.p99, rate, missing: count - arrivals.at.size };
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
}
