import { Health, HealthCheckResponse_ServingStatus } from "../gen/grpc/health/v1/health_pb.js";
import { EscalationPolicyService } from "../gen/pager/v1/escalation_policy_pb.js";
import { PagerService, SendAlertOutcome } from "../gen/pager/v1/pager_service_pb.js";
import { acknowledgeAlert } from "../src/pager/app/acknowledge-alert.js";
import { resolveAlert } from "../src/pager/app/resolve-alert.js";
import { sendAlert } from "../src/pager/app/send-alert.js";
import { createBenchDatabase } from "./lib/bench-database.js";
import { readPositive } from "./lib/env-settings.js";
import type { LoadClient } from "./lib/grpc-load-client.js";
import {
  forEachConcurrent,
  type LoadContext,
  range,
  runWorkers,
  wantsProfile,
} from "./lib/load-context.js";
import {
  healthRate,
  noopBefore,
  type Phase,
  type PhaseRun,
  phaseAt,
  rate,
  rowOf,
} from "./lib/load-phase.js";
import { printLoadReport } from "./lib/load-report.js";
import { type PeakRss, runLoad } from "./lib/load-run.js";
import { type LoadSettings, needsProbe, readLoadSettings } from "./lib/load-settings.js";
import { loadAverage, machineDescription } from "./lib/machine.js";
import { readMemoryKb } from "./lib/proc-stats.js";
import { emptyUsage } from "./lib/resource-meter.js";
import { cleanUpOnInterrupt, tearDown } from "./lib/run-cleanup.js";
import { runMain } from "./lib/run-main.js";
import type { ServerProcess } from "./lib/server-process.js";
import { type SqlReplay, sqlReplay } from "./lib/sql-replay.js";
import { fixed, table } from "./lib/text-table.js";

/**
 * `npm run bench`: RPC throughput and latency of the pager against a real
 * PostgreSQL, with the server in its own process so its CPU and memory are
 * measured apart from the load generator's.
 *
 * For each concurrency it measures Health/Check (the cheapest call: the
 * floor set by HTTP/2 + Connect + our interceptors), SendAlert,
 * ResolveAlert and AcknowledgeAlert each alone, and SendAlert→ResolveAlert
 * cycles, prints a table with each rate as a ratio of the health rate at the
 * same concurrency, and checks the targets. The sql-* phases replay the
 * same use cases' SQL from this process on raw `pg`, and deliver the pages
 * they queue as the server's dispatcher does during the RPC phases (see
 * bench/lib/sql-replay.ts): R_sql, the rate of the database path alone.
 * With R_noop the health rate, a server whose only
 * costs were its transport and its SQL would reach
 * R_pred = 1 / (1/R_noop + 1/R_sql) (a cycle is two calls: 2/R_noop);
 * R_full / R_pred says how much the rest costs. Each full phase runs right
 * after a health no-op of its own and right before its replay, and its
 * ratios use that no-op, so the three rates are measured seconds apart. A missed
 * target is a finding, not a failure: the process fails only on errors
 * (unexpected RPC failures or outcomes, a server that does not start or stop).
 *
 * Environment: DATABASE_URL (server where a throwaway database is created;
 * default the local test server), BENCH_SECONDS (5), BENCH_WARMUP_SECONDS
 * (2; 0 skips), BENCH_CONCURRENCY ("1,8,32"), BENCH_ROUNDS (1: every phase
 * once per concurrency; with more, targets are judged on the median round),
 * BENCH_SERVICES (200),
 * BENCH_ACK_POOL (1000: services of the send, resolve and ack phases),
 * BENCH_PHASES (default all: health,send,resolve,ack,cycle,sql-send,
 * sql-resolve,sql-ack,sql-cycle,list),
 * BENCH_TEMPLATE_DB (a database to copy instead of starting empty, such as
 * the year of history `npm run bench:plans` keeps with BENCH_KEEP_DB=1: CPU
 * per call and ListAlerts' first page on a full database),
 * BENCH_SERVER_LOG_LEVEL (warn). Other PAGER_* variables (PAGER_DB_POOL_SIZE…)
 * reach the server unchanged. To look inside the server: BENCH_SQL_STATS=1
 * (statements per call) and BENCH_CPU_PROF=<phase>[@<concurrency>] (e.g.
 * "cycle@32": V8 profile of the server during that phase's measured windows).
 */

const PHASES = [
  "health",
  "send",
  "resolve",
  "ack",
  "cycle",
  "sql-send",
  "sql-resolve",
  "sql-ack",
  "sql-cycle",
  "list",
] as const;
/** Each full phase, the replay of its SQL, and how many calls one of its units is. */
const PAIRS = [
  ["send", "sql-send", 1],
  ["resolve", "sql-resolve", 1],
  ["ack", "sql-ack", 1],
  ["cycle", "sql-cycle", 2],
] as const;

/**
 * A round's order: each full phase right after a health no-op of its own and
 * right before its replay, so the three rates of one R_pred are measured
 * seconds apart. Measured minutes apart, in plan order, a shared machine's
 * drift moved single ratios by more than a tenth.
 */
function roundOrder(picked: ReadonlySet<PhaseName>): PhaseName[] {
  const order: PhaseName[] = [];
  for (const [full, sql] of PAIRS) {
    const pair = [full, sql].filter((name) => picked.has(name));
    if (pair.length === 0) continue;
    if (picked.has("health")) order.push("health");
    order.push(...pair);
  }
  return [...order, ...PHASES.filter((name) => picked.has(name) && !order.includes(name))];
}

/** The concurrency the targets are stated at; also the default of BENCH_CPU_PROF's @N. */
const TARGET_CONCURRENCY = 32;
const TARGET_RATIO = 0.4;
const TARGET_P99_MS = 50;
/** R_full / R_pred: how close the server comes to its transport and its SQL back to back. */
const TARGET_PREDICTED = 0.8;
const TARGET_RSS_MB = 250;
/** ListAlerts' first page for one caller, however much history the database holds. */
const TARGET_LIST_P99_MS = 20;
/** Longer than any run, so no ack timer fires and escalations never add load to a phase. */
const ACK_TIMEOUT_SECONDS = 15 * 60;

type PhaseName = (typeof PHASES)[number];

interface Settings extends LoadSettings<PhaseName> {
  /** Services the cycle phase spreads its workers over. */
  readonly services: number;
  /** Services the send, resolve and ack phases call on, each once per round. */
  readonly ackPool: number;
}

type Context = LoadContext<Settings>;

/** Who the replayed use cases record as the actor. */
const REPLAY_ACTOR = { kind: "system", name: "bench-sql-replay" } as const;

/** The SQL replay's pool, opened once the database exists. */
let replay: SqlReplay | null = null;

function replayDeps(): SqlReplay["deps"] {
  if (replay === null) throw new Error("the SQL replay is not open");
  return replay.deps;
}

function readSettings(env: NodeJS.ProcessEnv): Settings {
  const load = readLoadSettings(env, PHASES, TARGET_CONCURRENCY);
  const maxConcurrency = Math.max(...load.concurrencies);
  const services = Math.floor(readPositive(env, "BENCH_SERVICES", 200));
  if (services < maxConcurrency) {
    throw new Error(`BENCH_SERVICES=${services} must be ≥ the highest concurrency`);
  }
  const ackPool = Math.max(maxConcurrency, Math.floor(readPositive(env, "BENCH_ACK_POOL", 1000)));
  return { ...load, services, ackPool };
}

/**
 * Health/Check as fast as each worker can: the cheapest call, so its rate is
 * the floor set by HTTP/2 + Connect + our interceptors that every other RPC
 * is compared with.
 */
const healthPhase: PhaseRun<Settings> = async (ctx, _services, concurrency) => {
  const usage = emptyUsage();
  const latencies: number[] = [];
  await ctx.meter.measure(usage, wantsProfile(ctx, "health", concurrency), async () => {
    const deadline = performance.now() + ctx.seconds * 1000;
    await runWorkers(ctx, concurrency, deadline, async (client) => {
      const started = performance.now();
      try {
        const { status } = await client.call(Health.method.check, { service: "" });
        if (status === HealthCheckResponse_ServingStatus.SERVING) {
          latencies.push(performance.now() - started);
        } else {
          ctx.errors.add("Health/Check", `status ${HealthCheckResponse_ServingStatus[status]}`);
        }
      } catch (error) {
        ctx.errors.add("Health/Check", error);
      }
    });
  });
  const row = rowOf("Health/Check", concurrency, latencies, usage);
  return { name: "health", concurrency, rows: [row], usage, unit: "call", units: latencies.length };
};

/**
 * SendAlert then ResolveAlert{monitored_service_id}, over and over. Worker w
 * owns services w, w+c, w+2c… so no two workers ever contend for a service
 * lock and every SendAlert finds a healthy service (expects CREATED).
 */
const cyclePhase: PhaseRun<Settings> = (ctx, services, concurrency) =>
  cycles(ctx, services, concurrency, "cycle", async (client, serviceId) => {
    const { outcome } = await client.call(PagerService.method.sendAlert, {
      monitoredServiceId: serviceId,
      message: "bench: synthetic alert",
    });
    return async () => {
      await client.call(PagerService.method.resolveAlert, {
        subject: { case: "monitoredServiceId", value: serviceId },
      });
      return outcome === SendAlertOutcome.CREATED;
    };
  });

/** The cycle phase's use cases called in this process: their SQL alone. */
const sqlCyclePhase: PhaseRun<Settings> = (ctx, services, concurrency) =>
  cycles(ctx, services, concurrency, "sql-cycle", async (_client, serviceId) => {
    const deps = replayDeps();
    const { outcome } = await sendAlert(
      deps,
      { monitoredServiceId: serviceId, message: "bench: synthetic alert" },
      REPLAY_ACTOR,
    );
    return async () => {
      await resolveAlert(deps, { monitoredServiceId: serviceId }, REPLAY_ACTOR);
      return outcome === "created";
    };
  });

/**
 * One send then its resolve, per round: `send` returns the resolve, which
 * says whether the send created an alert. Worker w owns services w, w+c,
 * w+2c… so no two workers ever contend for a service lock.
 */
async function cycles(
  ctx: Context,
  services: readonly string[],
  concurrency: number,
  name: "cycle" | "sql-cycle",
  send: (client: LoadClient, serviceId: string) => Promise<() => Promise<boolean>>,
): Promise<Omit<Phase, "round">> {
  const prefix = name === "cycle" ? "" : "sql ";
  const usage = emptyUsage();
  const sendMs: number[] = [];
  const resolve: number[] = [];
  const cycle: number[] = [];
  const pool = services.slice(0, ctx.settings.services);
  await vacuum(ctx);
  await ctx.meter.measure(usage, wantsProfile(ctx, name, concurrency), async () => {
    const deadline = performance.now() + ctx.seconds * 1000;
    await runWorkers(ctx, concurrency, deadline, async (client, worker, round) => {
      const owned = pool.filter((_, i) => i % concurrency === worker);
      const serviceId = owned[round % owned.length] ?? "";
      const started = performance.now();
      try {
        const resolveIt = await send(client, serviceId);
        const sent = performance.now();
        sendMs.push(sent - started);
        if (!(await resolveIt())) {
          ctx.errors.add(`${prefix}SendAlert`, "outcome not CREATED on a healthy service");
        }
        const resolved = performance.now();
        resolve.push(resolved - sent);
        cycle.push(resolved - started);
      } catch (error) {
        ctx.errors.add(`${prefix}SendAlert/ResolveAlert`, error);
      }
    });
  });
  await settle(ctx);
  return {
    name,
    concurrency,
    rows: [
      rowOf(`${prefix}cycle: SendAlert`, concurrency, sendMs, usage),
      rowOf(`${prefix}cycle: ResolveAlert`, concurrency, resolve, usage),
      rowOf(`  ${prefix}cycle (Send+Resolve)`, concurrency, cycle, usage),
    ],
    usage,
    unit: "cycle",
    units: cycle.length,
  };
}

/**
 * One hot RPC alone, each call on a subject of its own in the state the RPC
 * acts on (SendAlert on a healthy service, ResolveAlert and
 * AcknowledgeAlert on a fresh TRIGGERED alert: a repeat would measure a
 * no-op). Runs in rounds: an untimed `prepare` that puts every pool service
 * in that state and returns the subjects, then a timed window that stops
 * when the subjects run out or the phase's time is used up.
 */
interface PoolCall {
  readonly rpc: string;
  readonly prepare: (ctx: Context, pool: readonly string[]) => Promise<string[]>;
  /** Makes the call; false when its outcome is not the one the prepared state calls for. */
  readonly call: (client: LoadClient, subject: string) => Promise<boolean>;
}

const SEND: PoolCall = {
  rpc: "SendAlert",
  prepare: async (ctx, pool) => {
    await resolvePool(ctx, pool);
    return [...pool];
  },
  call: async (client, serviceId) => {
    const { outcome } = await client.call(PagerService.method.sendAlert, {
      monitoredServiceId: serviceId,
      message: "bench: synthetic alert",
    });
    return outcome === SendAlertOutcome.CREATED;
  },
};

const SQL_SEND: PoolCall = {
  ...SEND,
  rpc: "sql SendAlert",
  call: async (_client, serviceId) => {
    const { outcome } = await sendAlert(
      replayDeps(),
      { monitoredServiceId: serviceId, message: "bench: synthetic alert" },
      REPLAY_ACTOR,
    );
    return outcome === "created";
  },
};

const RESOLVE: PoolCall = {
  rpc: "ResolveAlert",
  prepare: async (ctx, pool) => (await triggerPool(ctx, pool)).map(({ serviceId }) => serviceId),
  call: async (client, serviceId) => {
    const { alert } = await client.call(PagerService.method.resolveAlert, {
      subject: { case: "monitoredServiceId", value: serviceId },
    });
    return alert !== undefined;
  },
};

const SQL_RESOLVE: PoolCall = {
  ...RESOLVE,
  rpc: "sql ResolveAlert",
  call: async (_client, serviceId) => {
    const { alert } = await resolveAlert(
      replayDeps(),
      { monitoredServiceId: serviceId },
      REPLAY_ACTOR,
    );
    return alert !== null;
  },
};

const ACK: PoolCall = {
  rpc: "AcknowledgeAlert",
  prepare: async (ctx, pool) => (await triggerPool(ctx, pool)).map(({ alertId }) => alertId),
  call: async (client, alertId) => {
    await client.call(PagerService.method.acknowledgeAlert, { alertId, acknowledgedBy: "bench" });
    return true;
  },
};

const SQL_ACK: PoolCall = {
  ...ACK,
  rpc: "sql AcknowledgeAlert",
  call: async (_client, alertId) => {
    await acknowledgeAlert(replayDeps(), { alertId, acknowledgedBy: "bench" }, REPLAY_ACTOR);
    return true;
  },
};

function poolPhase(name: PhaseName, what: PoolCall): PhaseRun<Settings> {
  return async (ctx, services, concurrency) => {
    const usage = emptyUsage();
    const latencies: number[] = [];
    const pool = services.slice(0, ctx.settings.ackPool);
    const budgetMs = ctx.seconds * 1000;
    let rounds = 0;
    while (usage.wallMs < budgetMs) {
      const subjects = await what.prepare(ctx, pool);
      if (subjects.length === 0) throw new Error(`${name} setup prepared no subject`);
      await vacuum(ctx);
      rounds += 1;
      let next = 0;
      await ctx.meter.measure(usage, wantsProfile(ctx, name, concurrency), async () => {
        const deadline = performance.now() + budgetMs - usage.wallMs;
        await runWorkers(ctx, concurrency, deadline, async (client) => {
          const subject = subjects[next++];
          if (subject === undefined) return false;
          const started = performance.now();
          try {
            if (await what.call(client, subject)) latencies.push(performance.now() - started);
            else ctx.errors.add(what.rpc, "not the outcome the prepared state calls for");
          } catch (error) {
            ctx.errors.add(what.rpc, error);
          }
          return true;
        });
      });
      await settle(ctx);
    }
    await resolvePool(ctx, pool);
    return {
      name,
      concurrency,
      rows: [rowOf(what.rpc, concurrency, latencies, usage)],
      usage,
      unit: `call (${rounds} round${rounds === 1 ? "" : "s"})`,
      units: latencies.length,
    };
  };
}

/** ListAlerts' first page (the default page size, no filter), as a console opens it. */
const listPhase: PhaseRun<Settings> = async (ctx, _services, concurrency) => {
  const usage = emptyUsage();
  const latencies: number[] = [];
  await ctx.meter.measure(usage, wantsProfile(ctx, "list", concurrency), async () => {
    const deadline = performance.now() + ctx.seconds * 1000;
    await runWorkers(ctx, concurrency, deadline, async (client) => {
      const started = performance.now();
      try {
        await client.call(PagerService.method.listAlerts, {});
        latencies.push(performance.now() - started);
      } catch (error) {
        ctx.errors.add("ListAlerts", error);
      }
    });
  });
  const row = rowOf("ListAlerts (first page)", concurrency, latencies, usage);
  return { name: "list", concurrency, rows: [row], usage, unit: "call", units: latencies.length };
};

/**
 * Untimed: makes every pool service have a fresh TRIGGERED alert (resolving
 * whatever the previous round left acknowledged) and waits for the pages to
 * be delivered. Returns each service with its alert, each to be acknowledged
 * or resolved exactly once.
 */
async function triggerPool(
  ctx: Context,
  pool: readonly string[],
): Promise<{ serviceId: string; alertId: string }[]> {
  const triggered: { serviceId: string; alertId: string }[] = [];
  await forEachConcurrent(ctx, pool, ctx.settings.setupConcurrency, async (serviceId, client) => {
    try {
      await client.call(PagerService.method.resolveAlert, {
        subject: { case: "monitoredServiceId", value: serviceId },
      });
      const { alert, outcome } = await client.call(PagerService.method.sendAlert, {
        monitoredServiceId: serviceId,
        message: "bench: alert to acknowledge",
      });
      if (outcome !== SendAlertOutcome.CREATED || alert === undefined) {
        ctx.errors.add("SendAlert (ack setup)", `outcome ${SendAlertOutcome[outcome]}`);
        return;
      }
      triggered.push({ serviceId, alertId: alert.id });
    } catch (error) {
      ctx.errors.add("ack setup", error);
    }
  });
  ctx.meter.checkAlive();
  await settle(ctx);
  return triggered;
}

/** Leaves every service healthy for the next phase, so its SendAlert finds no open alert. */
async function resolvePool(ctx: Context, pool: readonly string[]): Promise<void> {
  await forEachConcurrent(ctx, pool, ctx.settings.setupConcurrency, async (serviceId, client) => {
    try {
      await client.call(PagerService.method.resolveAlert, {
        subject: { case: "monitoredServiceId", value: serviceId },
      });
    } catch (error) {
      ctx.errors.add("ResolveAlert (ack cleanup)", error);
    }
  });
  await settle(ctx);
}

/**
 * Clears the dead rows earlier rounds left, untimed, as autovacuum does on
 * a server where it runs: each round updates every pool service and alert,
 * and a database server with autovacuum off (a test server) would otherwise
 * make every later phase wade through more of them than the one before.
 */
async function vacuum(ctx: Context): Promise<void> {
  await ctx.db.query("VACUUM monitored_services, alerts, notifications, ack_timers, alert_events");
}

/**
 * Waits until the dispatcher has delivered every queued page, so the work an
 * untimed setup step queued does not leak into the next measured window.
 */
async function settle(ctx: Context): Promise<void> {
  if (ctx.warning !== null) return;
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      const [row] = await ctx.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM notifications WHERE state = 'pending'",
      );
      if ((row?.n ?? 0) === 0) return;
      if (Date.now() > deadline) {
        ctx.warning = `${row?.n} notifications still pending after 60 s; stopped waiting`;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (error) {
    ctx.warning = `could not read the outbox (${(error as Error).message}); not settling`;
  }
}

/**
 * One policy (one level, one email) and its services: enough services for
 * both the cycle pool and the ack pool. Returns the service ids in creation order.
 */
async function setUpPolicyAndServices(ctx: Context): Promise<string[]> {
  const started = performance.now();
  const [client] = ctx.clients;
  if (client === undefined) throw new Error("no channel");
  const { escalationPolicy } = await client.call(
    EscalationPolicyService.method.createEscalationPolicy,
    {
      name: `bench-policy-${Date.now()}`,
      levels: [
        {
          targets: [{ kind: { case: "email", value: { address: "oncall@bench.example.com" } } }],
          ackTimeout: { seconds: BigInt(ACK_TIMEOUT_SECONDS) },
        },
      ],
    },
  );
  if (escalationPolicy === undefined) throw new Error("CreateEscalationPolicy returned no policy");
  const count = Math.max(ctx.settings.services, ctx.settings.ackPool);
  const ids: string[] = new Array(count);
  await forEachConcurrent(ctx, range(count), ctx.settings.setupConcurrency, async (i, c) => {
    const { monitoredService } = await c.call(PagerService.method.createMonitoredService, {
      name: `bench-svc-${String(i).padStart(5, "0")}`,
      escalationPolicyId: escalationPolicy.id,
    });
    if (monitoredService === undefined) throw new Error("CreateMonitoredService returned none");
    ids[i] = monitoredService.id;
  });
  const rssMb = (readMemoryKb(ctx.server.pid)?.rssKb ?? 0) / 1024;
  console.log(
    `setup: 1 policy, ${ids.length} services in ` +
      `${fixed((performance.now() - started) / 1000, 2)} s; server RSS after setup ` +
      `${fixed(rssMb, 1)} MB`,
  );
  return ids;
}

/** What was measured and how, printed first so a pasted result carries its conditions. */
function printPreamble(settings: Settings): void {
  console.log("pager rpc-throughput bench");
  console.log(
    `machine: ${machineDescription()}; load generator and server share these cores with PostgreSQL`,
  );
  console.log(
    `server: node${needsProbe(settings) ? " --import tsx --import ./bench/lib/server-probe.ts" : ""} dist/src/pager/main.js ` +
      `(what npm start runs, own process), PAGER_LOG_LEVEL=${settings.serverLogLevel} so per-RPC and per-page ` +
      "info logs do not dominate; timer worker and dispatcher on (defaults)",
  );
  console.log(
    `load average at start: ${loadAverage()} (1/5/15 min; other work on this machine skews every figure)`,
  );
  console.log(
    `load: @grpc/grpc-js, 1 channel (HTTP/2 connection) per ${settings.workersPerChannel} ` +
      `workers; ${settings.seconds} s per phase and concurrency; concurrency ` +
      `${settings.concurrencies.join(", ")}; ${settings.services} services for cycles, ` +
      `${settings.ackPool} for acks`,
  );
}

/** Units of work per second of a phase (cycles, calls), null when it did not run. */
function phaseRate(phase: Phase | undefined): number | null {
  if (phase === undefined || phase.usage.wallMs === 0) return null;
  return phase.units / (phase.usage.wallMs / 1000);
}

/**
 * One target's figure in every round that measured it: the median round
 * (the lower of the two middle ones) and its value are the verdict, and
 * with several rounds each one's value follows in `all`.
 */
function acrossRounds<T>(
  rounds: number,
  measure: (round: number) => T | null,
  value: (figure: T) => number,
  digits = 3,
): { median: T; value: number; all: string } | null {
  const figures: T[] = [];
  for (let round = 1; round <= rounds; round++) {
    const figure = measure(round);
    if (figure !== null) figures.push(figure);
  }
  if (figures.length === 0) return null;
  const sorted = [...figures].sort((a, b) => value(a) - value(b));
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as T;
  const all =
    figures.length > 1
      ? `; median of ${figures.length} rounds: ${figures.map((f) => fixed(value(f), digits)).join(", ")}`
      : "";
  return { median, value: value(median), all };
}

/** Prints each target with PASS/MISS; a miss is a finding, never a failure of the run. */
function printTargets(
  phases: readonly Phase[],
  concurrency: number,
  rounds: number,
  rss: PeakRss,
): void {
  console.log(
    `\n== targets (at concurrency ${concurrency}; server peak RSS: sampled every 100 ms ` +
      `${fixed(rss.sampledKb / 1024, 1)} MB, kernel VmHWM ${fixed(rss.hwmKb / 1024, 1)} MB)`,
  );
  const lines: string[][] = [];
  const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
  for (const rpc of ["SendAlert", "ResolveAlert", "AcknowledgeAlert"]) {
    const measured = (round: number) => {
      const phase = phases.find(
        (p) =>
          p.round === round && p.concurrency === concurrency && p.rows.some((r) => r.rpc === rpc),
      );
      const row = phase?.rows.find((r) => r.rpc === rpc);
      return phase === undefined || row === undefined ? undefined : { phase, row };
    };
    const ratio = acrossRounds(
      rounds,
      (round) => {
        const { phase, row } = measured(round) ?? {};
        const base = phase === undefined ? null : healthRate(phases, phase);
        return row === undefined || base === null ? null : { row, base };
      },
      ({ row, base }) => rate(row) / base,
    );
    if (ratio !== null) {
      const { row, base } = ratio.median;
      lines.push([
        `${rpc} rate / health rate @ ${concurrency}`,
        `≥ ${TARGET_RATIO}`,
        `${fixed(ratio.value, 3)} (${fixed(rate(row), 0)} / ${fixed(base, 0)} req/s${ratio.all})`,
        verdict(ratio.value >= TARGET_RATIO),
      ]);
    }
    const p99 = acrossRounds(
      rounds,
      (round) => {
        const { phase, row } = measured(round) ?? {};
        if (phase === undefined || row === undefined) return null;
        const noop = noopBefore(phases, phase)?.rows[0]?.latency.p99;
        return { p99: row.latency.p99, noop };
      },
      (figure) => figure.p99,
      2,
    );
    if (p99 === null) continue;
    // The no-op's own p99 at this concurrency is the floor no RPC through the same client gets under.
    const { noop } = p99.median;
    const floor = noop === undefined ? "" : ` (health no-op ${fixed(noop, 2)} ms)`;
    lines.push([
      `${rpc} p99 @ ${concurrency}`,
      `≤ ${TARGET_P99_MS} ms`,
      `${fixed(p99.value, 2)} ms${floor}${p99.all}`,
      verdict(p99.value <= TARGET_P99_MS),
    ]);
  }
  for (const [full, sql, calls] of PAIRS) {
    const predicted = acrossRounds(
      rounds,
      (round) => {
        const fullPhase = phaseAt(phases, full, concurrency, round);
        const base = fullPhase === undefined ? null : healthRate(phases, fullPhase);
        const rFull = phaseRate(fullPhase);
        const rSql = phaseRate(phaseAt(phases, sql, concurrency, round));
        if (base === null || rFull === null || rSql === null) return null;
        return { base, rFull, rSql, rPred: 1 / (calls / base + 1 / rSql) };
      },
      ({ rFull, rPred }) => rFull / rPred,
    );
    if (predicted === null) continue;
    const { base, rFull, rSql, rPred } = predicted.median;
    const ratio = predicted.value;
    lines.push([
      `${full} R_full / R_pred @ ${concurrency}`,
      `≥ ${TARGET_PREDICTED}`,
      `${fixed(ratio, 3)} (R_full ${fixed(rFull, 0)}, R_sql ${fixed(rSql, 0)}, ` +
        `R_noop ${fixed(base, 0)}, R_pred ${fixed(rPred, 0)} /s${predicted.all})`,
      verdict(ratio >= TARGET_PREDICTED),
    ]);
  }
  // A person opening the console waits for one page: judged alone (concurrency 1) when run.
  const lists = phases.flatMap((p) => p.rows).filter((r) => r.rpc === "ListAlerts (first page)");
  const list =
    lists.find((r) => r.concurrency === 1) ?? lists.find((r) => r.concurrency === concurrency);
  if (list !== undefined) {
    lines.push([
      `ListAlerts first page p99 @ ${list.concurrency}`,
      `≤ ${TARGET_LIST_P99_MS} ms`,
      `${fixed(list.latency.p99, 2)} ms`,
      verdict(list.latency.p99 <= TARGET_LIST_P99_MS),
    ]);
  }
  const rssMb = Math.max(rss.sampledKb, rss.hwmKb) / 1024;
  lines.push([
    "server peak RSS",
    `≤ ${TARGET_RSS_MB} MB`,
    `${fixed(rssMb, 1)} MB`,
    verdict(rssMb <= TARGET_RSS_MB),
  ]);
  console.log(table(["target", "wanted", "measured", "verdict"], lines, new Set()));
}

async function main(): Promise<number> {
  const settings = readSettings(process.env);
  printPreamble(settings);
  const db = await createBenchDatabase(settings.adminUrl, process.env.BENCH_TEMPLATE_DB || null);
  const redacted = new URL(db.url);
  redacted.password = "";
  console.log(`database: ${redacted.toString()} (created for this run, dropped at the end)`);
  let server: ServerProcess | null = null;
  const releaseInterrupts = cleanUpOnInterrupt(db, () => server);
  const run = await runLoad({
    settings,
    db,
    phases: [
      ["health", healthPhase],
      ["send", poolPhase("send", SEND)],
      ["resolve", poolPhase("resolve", RESOLVE)],
      ["ack", poolPhase("ack", ACK)],
      ["cycle", cyclePhase],
      ["sql-send", poolPhase("sql-send", SQL_SEND)],
      ["sql-resolve", poolPhase("sql-resolve", SQL_RESOLVE)],
      ["sql-ack", poolPhase("sql-ack", SQL_ACK)],
      ["sql-cycle", sqlCyclePhase],
      ["list", listPhase],
    ],
    order: roundOrder,
    setUp: async (ctx) => {
      // Once the server has migrated the database: the replay's dispatcher polls it at once.
      replay = await sqlReplay(db.url, settings.serverLogLevel);
      return setUpPolicyAndServices(ctx);
    },
    onServer: (started) => {
      server = started;
    },
  });
  releaseInterrupts();
  await replay?.close();
  const stop = await tearDown(run.server, db);
  // Targets are judged at TARGET_CONCURRENCY, or the highest one run when it was left out.
  const at = settings.concurrencies.includes(TARGET_CONCURRENCY)
    ? TARGET_CONCURRENCY
    : Math.max(...settings.concurrencies);
  printLoadReport(settings, run, stop, db.name, () =>
    printTargets(run.phases, at, settings.rounds, run.peakRss),
  );
  const failed =
    run.failure !== null || run.errors.total > 0 || stop.exitCode !== 0 || stop.dropError !== null;
  return failed ? 1 : 0;
}

runMain(main);
