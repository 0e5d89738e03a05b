import { mkdtempSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Health, HealthCheckResponse_ServingStatus } from "../gen/grpc/health/v1/health_pb.js";
import { EscalationPolicyService } from "../gen/pager/v1/escalation_policy_pb.js";
import { PagerService, SendAlertOutcome } from "../gen/pager/v1/pager_service_pb.js";
import { type BenchDatabase, createBenchDatabase } from "./bench-database.js";
import { type ProfileSummary, summarizeProfiles } from "./cpu-profile-summary.js";
import { describeFailure, LoadClient } from "./grpc-load-client.js";
import { type LatencySummary, summarize } from "./latency-stats.js";
import {
  RssSampler,
  readCpuMs,
  readCpuMsOfAll,
  readMachineCpuMs,
  readMemoryKb,
} from "./proc-stats.js";
import type { ProbeReply, StatementStats } from "./server-probe.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";

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
 */

type PhaseName = "health" | "cycle" | "ack";

interface Settings {
  readonly adminUrl: string;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly concurrencies: readonly number[];
  readonly services: number;
  readonly ackPool: number;
  readonly phases: ReadonlySet<PhaseName>;
  readonly workersPerChannel: number;
  readonly setupConcurrency: number;
  readonly serverLogLevel: string;
  readonly sqlStats: boolean;
  readonly profile: { phase: PhaseName; concurrency: number } | null;
}

const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 100;
const TARGET_RSS_MB = 250;
const TARGET_CONCURRENCY = 32;
const ACK_TIMEOUT_SECONDS = 15 * 60;

function readSettings(env: NodeJS.ProcessEnv): Settings {
  const positive = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}="${raw}" must be > 0`);
    return value;
  };
  const concurrencies = (env.BENCH_CONCURRENCY || "1,8,32").split(",").map((part) => {
    const value = Number(part.trim());
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`BENCH_CONCURRENCY="${env.BENCH_CONCURRENCY}" must list integers ≥ 1`);
    }
    return value;
  });
  const phases = new Set<PhaseName>();
  for (const part of (env.BENCH_PHASES || "health,cycle,ack").split(",")) {
    const phase = part.trim();
    if (phase !== "health" && phase !== "cycle" && phase !== "ack") {
      throw new Error(`BENCH_PHASES: unknown phase "${phase}" (health, cycle, ack)`);
    }
    phases.add(phase);
  }
  let profile: Settings["profile"] = null;
  if (env.BENCH_CPU_PROF) {
    const [phase, at] = env.BENCH_CPU_PROF.split("@");
    if (phase !== "health" && phase !== "cycle" && phase !== "ack") {
      throw new Error(`BENCH_CPU_PROF="${env.BENCH_CPU_PROF}": use <health|cycle|ack>[@N]`);
    }
    const concurrency = at === undefined ? TARGET_CONCURRENCY : Number(at);
    if (!concurrencies.includes(concurrency)) {
      throw new Error(`BENCH_CPU_PROF="${env.BENCH_CPU_PROF}": ${at} is not in BENCH_CONCURRENCY`);
    }
    profile = { phase, concurrency };
  }
  const maxConcurrency = Math.max(...concurrencies);
  const services = Math.floor(positive("BENCH_SERVICES", 200));
  if (services < maxConcurrency) {
    throw new Error(`BENCH_SERVICES=${services} must be ≥ the highest concurrency`);
  }
  return {
    adminUrl: env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test",
    seconds: positive("BENCH_SECONDS", 5),
    warmupSeconds: env.BENCH_WARMUP_SECONDS === "0" ? 0 : positive("BENCH_WARMUP_SECONDS", 2),
    concurrencies,
    services,
    ackPool: Math.max(maxConcurrency, Math.floor(positive("BENCH_ACK_POOL", 1000))),
    phases,
    workersPerChannel: 8,
    setupConcurrency: Math.max(16, maxConcurrency),
    serverLogLevel: env.BENCH_SERVER_LOG_LEVEL || "warn",
    sqlStats: env.BENCH_SQL_STATS === "1",
    profile,
  };
}

/** Unexpected failures and outcomes, by label: any of them fails the run. */
class ErrorTally {
  private readonly counts = new Map<string, number>();

  add(rpc: string, error: unknown): void {
    const label = `${rpc}: ${typeof error === "string" ? error : describeFailure(error)}`;
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
  }

  get total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  entries(): [string, number][] {
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1]);
  }
}

/** What the server (and PostgreSQL, and the bench) spent during measured windows. */
interface Usage {
  wallMs: number;
  serverCpuMs: number;
  pgCpuMs: number;
  benchCpuMs: number;
  machineBusyMs: number;
  machineTotalMs: number;
  peakRssKb: number;
  sql: Map<string, StatementStats>;
  profiles: string[];
}

function emptyUsage(): Usage {
  return {
    wallMs: 0,
    serverCpuMs: 0,
    pgCpuMs: 0,
    benchCpuMs: 0,
    machineBusyMs: 0,
    machineTotalMs: 0,
    peakRssKb: 0,
    sql: new Map(),
    profiles: [],
  };
}

/** Measures resource use around a window of load, adding to a phase's {@link Usage}. */
class Meter {
  constructor(
    private readonly server: ServerProcess,
    private readonly db: BenchDatabase,
    private readonly sampler: RssSampler,
    private readonly probe: boolean,
  ) {}

  async measure<T>(usage: Usage, profile: boolean, work: () => Promise<T>): Promise<T> {
    this.checkAlive();
    if (this.probe) await this.server.probe({ type: "begin", profile });
    const pgBefore = readCpuMsOfAll(await this.db.backendPids());
    this.sampler.takePhasePeak();
    const serverBefore = readCpuMs(this.server.pid) ?? 0;
    const benchBefore = process.cpuUsage();
    const machineBefore = readMachineCpuMs();
    const started = performance.now();
    const result = await work();
    this.checkAlive();
    usage.wallMs += performance.now() - started;
    const bench = process.cpuUsage(benchBefore);
    usage.benchCpuMs += (bench.user + bench.system) / 1000;
    const machine = readMachineCpuMs();
    usage.machineBusyMs += machine.busyMs - machineBefore.busyMs;
    usage.machineTotalMs += machine.totalMs - machineBefore.totalMs;
    usage.serverCpuMs += (readCpuMs(this.server.pid) ?? 0) - serverBefore;
    usage.peakRssKb = Math.max(usage.peakRssKb, this.sampler.takePhasePeak());
    // Connections opened during the window count from zero.
    for (const [pid, after] of readCpuMsOfAll(await this.db.backendPids())) {
      usage.pgCpuMs += after - (pgBefore.get(pid) ?? 0);
    }
    if (this.probe) {
      const reply = await this.server.probe({ type: "end" });
      if (reply.type === "ended") {
        for (const row of reply.sql ?? []) {
          const entry = usage.sql.get(row.sql) ?? { sql: row.sql, count: 0, totalMs: 0 };
          entry.count += row.count;
          entry.totalMs += row.totalMs;
          usage.sql.set(row.sql, entry);
        }
        if (reply.profilePath !== null) usage.profiles.push(reply.profilePath);
      }
    }
    return result;
  }

  /** A server that died mid-run makes every later figure meaningless: stop there. */
  checkAlive(): void {
    const exit = this.server.unexpectedExit();
    if (exit !== null) throw new Error(`the server ${exit}`);
  }
}

/** One line of the results table. */
interface Row {
  readonly rpc: string;
  readonly concurrency: number;
  readonly requests: number;
  readonly seconds: number;
  readonly latency: LatencySummary;
}

/** One measured phase: its rows, its usage and how many RPCs the server answered. */
interface Phase {
  readonly name: PhaseName;
  readonly concurrency: number;
  readonly rows: Row[];
  readonly usage: Usage;
  readonly rpcs: number;
  /** What "per call" means for this phase (a cycle is two RPCs). */
  readonly unit: string;
  readonly units: number;
}

interface Context {
  readonly settings: Settings;
  readonly clients: readonly LoadClient[];
  readonly meter: Meter;
  readonly db: BenchDatabase;
  readonly errors: ErrorTally;
  settleWarning: string | null;
  /** Length of the measured part of each phase; shorter while warming up. */
  seconds: number;
  /** Warm-up rounds are run like phases but never profiled nor reported. */
  warming: boolean;
}

function clientFor(ctx: Context, worker: number): LoadClient {
  const client = ctx.clients[Math.floor(worker / ctx.settings.workersPerChannel)];
  if (client === undefined) throw new Error(`no channel for worker ${worker}`);
  return client;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Runs `work` on every item, `concurrency` at a time, spread over the channels. */
async function forEachConcurrent<T>(
  ctx: Context,
  items: readonly T[],
  concurrency: number,
  work: (item: T, client: LoadClient) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    range(Math.min(concurrency, items.length)).map(async (worker) => {
      const client = clientFor(ctx, worker % (ctx.clients.length * ctx.settings.workersPerChannel));
      for (let i = next++; i < items.length; i = next++) {
        await work(items[i] as T, client);
      }
    }),
  );
}

/**
 * Waits until the dispatcher has delivered every queued page, so the work an
 * untimed setup step queued does not leak into the next measured window.
 */
async function settle(ctx: Context): Promise<void> {
  if (ctx.settleWarning !== null) return;
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      const [row] = await ctx.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM notifications WHERE state = 'pending'",
      );
      if ((row?.n ?? 0) === 0) return;
      if (Date.now() > deadline) {
        ctx.settleWarning = `${row?.n} notifications still pending after 60 s; stopped waiting`;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (error) {
    ctx.settleWarning = `could not read the outbox (${(error as Error).message}); not settling`;
  }
}

/** One policy (one level, one email, 15 min ack timeout: no timer fires) and its services. */
async function setUp(ctx: Context): Promise<string[]> {
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
  return ids;
}

/**
 * Runs each phase briefly at concurrency 8 and throws the figures away: the
 * first seconds of a fresh Node process run unoptimised code (a cold server
 * was measured at twice the CPU per call), which would otherwise be charged
 * to whichever phase happens to come first.
 */
async function warmUp(ctx: Context, services: readonly string[]): Promise<void> {
  ctx.warming = true;
  ctx.seconds = ctx.settings.warmupSeconds;
  const concurrency = Math.min(8, ctx.clients.length * ctx.settings.workersPerChannel);
  try {
    if (ctx.settings.phases.has("health")) await healthPhase(ctx, concurrency);
    if (ctx.settings.phases.has("cycle")) await cyclePhase(ctx, services, concurrency);
    if (ctx.settings.phases.has("ack")) await ackPhase(ctx, services, concurrency);
  } finally {
    ctx.warming = false;
    ctx.seconds = ctx.settings.seconds;
  }
}

function wantsProfile(ctx: Context, phase: PhaseName, concurrency: number): boolean {
  const profile = ctx.warming ? null : ctx.settings.profile;
  return profile !== null && profile.phase === phase && profile.concurrency === concurrency;
}

async function healthPhase(ctx: Context, concurrency: number): Promise<Phase> {
  const usage = emptyUsage();
  const latencies: number[] = [];
  await ctx.meter.measure(usage, wantsProfile(ctx, "health", concurrency), async () => {
    const deadline = performance.now() + ctx.seconds * 1000;
    await Promise.all(
      range(concurrency).map(async (worker) => {
        const client = clientFor(ctx, worker);
        while (performance.now() < deadline) {
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
        }
      }),
    );
  });
  const row = {
    rpc: "Health/Check",
    concurrency,
    requests: latencies.length,
    seconds: usage.wallMs / 1000,
    latency: summarize(latencies),
  };
  const n = latencies.length;
  return { name: "health", concurrency, rows: [row], usage, rpcs: n, unit: "call", units: n };
}

/**
 * SendAlert then ResolveAlert{monitored_service_id}, over and over. Worker w
 * owns services w, w+c, w+2c… so no two workers ever contend for a service
 * lock and every SendAlert finds a healthy service (expects CREATED).
 */
async function cyclePhase(
  ctx: Context,
  services: readonly string[],
  concurrency: number,
): Promise<Phase> {
  const usage = emptyUsage();
  const send: number[] = [];
  const resolve: number[] = [];
  const cycle: number[] = [];
  const pool = services.slice(0, ctx.settings.services);
  await ctx.meter.measure(usage, wantsProfile(ctx, "cycle", concurrency), async () => {
    const deadline = performance.now() + ctx.seconds * 1000;
    await Promise.all(
      range(concurrency).map(async (worker) => {
        const client = clientFor(ctx, worker);
        const owned = pool.filter((_, i) => i % concurrency === worker);
        for (let k = 0; performance.now() < deadline; k += 1) {
          const serviceId = owned[k % owned.length] ?? "";
          const started = performance.now();
          try {
            const { outcome } = await client.call(PagerService.method.sendAlert, {
              monitoredServiceId: serviceId,
              message: "bench: synthetic alert",
            });
            if (outcome !== SendAlertOutcome.CREATED) {
              ctx.errors.add("SendAlert", `outcome ${SendAlertOutcome[outcome]}, expected CREATED`);
            }
            const sent = performance.now();
            send.push(sent - started);
            await client.call(PagerService.method.resolveAlert, {
              subject: { case: "monitoredServiceId", value: serviceId },
            });
            const resolved = performance.now();
            resolve.push(resolved - sent);
            cycle.push(resolved - started);
          } catch (error) {
            ctx.errors.add("SendAlert/ResolveAlert", error);
          }
        }
      }),
    );
  });
  await settle(ctx);
  const seconds = usage.wallMs / 1000;
  const row = (rpc: string, samples: number[]): Row => ({
    rpc,
    concurrency,
    requests: samples.length,
    seconds,
    latency: summarize(samples),
  });
  return {
    name: "cycle",
    concurrency,
    rows: [
      row("SendAlert", send),
      row("ResolveAlert", resolve),
      row("  cycle (Send+Resolve)", cycle),
    ],
    usage,
    rpcs: send.length + resolve.length,
    unit: "cycle",
    units: cycle.length,
  };
}

/**
 * Untimed: makes every pool service have a fresh TRIGGERED alert (resolving
 * whatever the previous round left acknowledged) and waits for the pages to
 * be delivered. Returns the alert ids, each to be acknowledged exactly once.
 */
async function triggerPool(ctx: Context, pool: readonly string[]): Promise<string[]> {
  const alertIds: string[] = [];
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
      alertIds.push(alert.id);
    } catch (error) {
      ctx.errors.add("ack setup", error);
    }
  });
  ctx.meter.checkAlive();
  await settle(ctx);
  return alertIds;
}

/**
 * AcknowledgeAlert, each call on a different TRIGGERED alert (the first
 * acknowledgement is the real work; a repeat would measure a no-op). Runs in
 * rounds: an untimed {@link triggerPool}, then a timed window that stops when
 * the alerts run out or the phase's time is used up.
 */
async function ackPhase(
  ctx: Context,
  services: readonly string[],
  concurrency: number,
): Promise<Phase> {
  const usage = emptyUsage();
  const latencies: number[] = [];
  const pool = services.slice(0, ctx.settings.ackPool);
  const budgetMs = ctx.seconds * 1000;
  let rounds = 0;
  while (usage.wallMs < budgetMs) {
    const alertIds = await triggerPool(ctx, pool);
    if (alertIds.length === 0) throw new Error("ack setup produced no triggered alert");
    rounds += 1;
    let next = 0;
    await ctx.meter.measure(usage, wantsProfile(ctx, "ack", concurrency), async () => {
      const deadline = performance.now() + budgetMs - usage.wallMs;
      await Promise.all(
        range(concurrency).map(async (worker) => {
          const client = clientFor(ctx, worker);
          while (performance.now() < deadline) {
            const alertId = alertIds[next++];
            if (alertId === undefined) return;
            const started = performance.now();
            try {
              await client.call(PagerService.method.acknowledgeAlert, {
                alertId,
                acknowledgedBy: "bench",
              });
              latencies.push(performance.now() - started);
            } catch (error) {
              ctx.errors.add("AcknowledgeAlert", error);
            }
          }
        }),
      );
    });
  }
  // Leave every service healthy for the next phase.
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
  const n = latencies.length;
  const row: Row = {
    rpc: `AcknowledgeAlert`,
    concurrency,
    requests: n,
    seconds: usage.wallMs / 1000,
    latency: summarize(latencies),
  };
  return {
    name: "ack",
    concurrency,
    rows: [row],
    usage,
    rpcs: n,
    unit: `call (${rounds} round${rounds === 1 ? "" : "s"})`,
    units: n,
  };
}

// ---------------------------------------------------------------- printing

function table(headers: string[], rows: string[][], rightAligned: ReadonlySet<number>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) =>
        rightAligned.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : "-";

function rate(row: Row): number {
  return row.seconds > 0 ? row.requests / row.seconds : 0;
}

function healthRate(phases: readonly Phase[], concurrency: number): number | null {
  const health = phases.find((p) => p.name === "health" && p.concurrency === concurrency);
  const row = health?.rows[0];
  return row === undefined ? null : rate(row);
}

function printResults(phases: readonly Phase[]): void {
  const rows = phases.flatMap((phase) =>
    phase.rows.map((row) => {
      const base = healthRate(phases, row.concurrency);
      return [
        row.rpc,
        String(row.concurrency),
        String(row.requests),
        fixed(rate(row), 0),
        fixed(row.latency.p50, 2),
        fixed(row.latency.p99, 2),
        fixed(row.latency.max, 1),
        base === null || phase.name === "health" ? "-" : fixed(rate(row) / base, 3),
      ];
    }),
  );
  console.log(
    table(
      ["rpc", "conc", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "× health"],
      rows,
      new Set([1, 2, 3, 4, 5, 6, 7]),
    ),
  );
}

function printUsage(phases: readonly Phase[]): void {
  const rows = phases.map((phase) => {
    const u = phase.usage;
    const perUnit = (ms: number) => (phase.units > 0 ? fixed(ms / phase.units, 3) : "-");
    const percent = (ms: number) => (u.wallMs > 0 ? fixed((100 * ms) / u.wallMs, 0) : "-");
    return [
      phase.name,
      String(phase.concurrency),
      fixed(u.wallMs / 1000, 2),
      `${phase.units} ${phase.unit}`,
      percent(u.serverCpuMs),
      perUnit(u.serverCpuMs),
      percent(u.pgCpuMs),
      perUnit(u.pgCpuMs),
      percent(u.benchCpuMs),
      u.machineTotalMs > 0 ? fixed((100 * u.machineBusyMs) / u.machineTotalMs, 0) : "-",
      fixed(u.peakRssKb / 1024, 1),
    ];
  });
  console.log(
    table(
      [
        "phase",
        "conc",
        "wall s",
        "per",
        "server CPU %",
        "server CPU ms/per",
        "pg CPU %",
        "pg CPU ms/per",
        "loadgen CPU %",
        `machine busy % (${cpus().length} cores)`,
        "server peak RSS MB",
      ],
      rows,
      new Set([1, 2, 4, 5, 6, 7, 8, 9, 10]),
    ),
  );
}

function printSql(phases: readonly Phase[]): void {
  for (const phase of phases) {
    if (phase.usage.sql.size === 0 || phase.units === 0) continue;
    const statements = [...phase.usage.sql.values()].sort((a, b) => b.count - a.count);
    const total = statements.reduce((sum, s) => sum + s.count, 0);
    const totalMs = statements.reduce((sum, s) => sum + s.totalMs, 0);
    console.log(
      `\n${phase.name} @ ${phase.concurrency}: ${fixed(total / phase.units, 2)} statements per ${phase.unit.split(" ")[0]}, ` +
        `${fixed(totalMs / phase.units, 2)} ms summed statement latency per ${phase.unit.split(" ")[0]}`,
    );
    console.log(
      table(
        [`per ${phase.unit.split(" ")[0]}`, "avg ms", "statement"],
        statements
          .slice(0, 20)
          .map((s) => [
            fixed(s.count / phase.units, 3),
            fixed(s.totalMs / s.count, 2),
            s.sql.length > 140 ? `${s.sql.slice(0, 137)}...` : s.sql,
          ]),
        new Set([0, 1]),
      ),
    );
  }
}

function printProfile(phase: Phase, summary: ProfileSummary): void {
  const busy = summary.busyMs;
  const pct = (ms: number) => `${fixed((100 * ms) / busy, 1)}%`;
  console.log(
    `\nserver CPU profile, ${phase.name} @ ${phase.concurrency}: ${fixed(busy, 0)} ms busy, ` +
      `${fixed(summary.idleMs, 0)} ms idle, ${fixed(busy / Math.max(1, phase.units), 3)} ms busy per ${phase.unit.split(" ")[0]}`,
  );
  console.log("\nself time by package / source folder:");
  console.log(
    table(
      ["self ms", "share", "group"],
      summary.groups.slice(0, 15).map((g) => [fixed(g.ms, 0), pct(g.ms), g.name]),
      new Set([0, 1]),
    ),
  );
  console.log(
    "\nthe same time charged to the nearest package or src/ folder on the stack " +
      "(a syscall pg asked for counts as pg):",
  );
  console.log(
    table(
      ["ms", "share", "charged to"],
      summary.blamed.slice(0, 15).map((g) => [fixed(g.ms, 0), pct(g.ms), g.name]),
      new Set([0, 1]),
    ),
  );
  console.log("\ntop functions by self time:");
  console.log(
    table(
      ["self ms", "share", "function"],
      summary.functions.map((f) => [fixed(f.ms, 0), pct(f.ms), f.name]),
      new Set([0, 1]),
    ),
  );
}

/** What the server's RSS is made of, before and after a forced full GC. */
function printHeap(report: Extract<ProbeReply, { type: "heap" }>): void {
  const mb = (bytes: number) => fixed(bytes / 1024 / 1024, 1);
  const line = (label: string, m: NodeJS.MemoryUsage) =>
    `  ${label}: rss ${mb(m.rss)} MB; V8 heap ${mb(m.heapTotal)} MB reserved, ${mb(m.heapUsed)} MB used; ` +
    `external ${mb(m.external)} MB (array buffers ${mb(m.arrayBuffers)})`;
  console.log("\n== server memory after the last phase (process.memoryUsage via server-probe)");
  console.log(line("before GC   ", report.before));
  console.log(line("after full GC", report.afterGc));
  console.log(
    `  live V8 heap by space: ${report.spaces
      .filter((space) => space.usedBytes > 512 * 1024)
      .map((space) => `${space.name} ${mb(space.usedBytes)}/${mb(space.sizeBytes)}`)
      .join(", ")} MB`,
  );
  console.log(
    "  RSS beyond the V8 heap: code, native libraries, thread stacks, and tsx's module-loader " +
      "thread (its own V8 isolate)",
  );
}

/** Prints each target with PASS/MISS; a miss is reported, never fatal. */
function printTargets(phases: readonly Phase[], peakRssKb: number, concurrency: number): void {
  const lines: string[][] = [];
  const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
  const base = healthRate(phases, concurrency);
  for (const rpc of ["SendAlert", "AcknowledgeAlert"]) {
    const row = phases
      .flatMap((p) => p.rows)
      .find((r) => r.rpc === rpc && r.concurrency === concurrency);
    if (row === undefined) continue;
    if (base !== null) {
      const ratio = rate(row) / base;
      lines.push([
        `${rpc} rate / health rate @ ${concurrency}`,
        `≥ ${TARGET_RATIO}`,
        `${fixed(ratio, 3)} (${fixed(rate(row), 0)} / ${fixed(base, 0)} req/s)`,
        verdict(ratio >= TARGET_RATIO),
      ]);
    }
    lines.push([
      `${rpc} p99 @ ${concurrency}`,
      `≤ ${TARGET_P99_MS} ms`,
      `${fixed(row.latency.p99, 2)} ms`,
      verdict(row.latency.p99 <= TARGET_P99_MS),
    ]);
  }
  const rssMb = peakRssKb / 1024;
  lines.push([
    "server peak RSS",
    `≤ ${TARGET_RSS_MB} MB`,
    `${fixed(rssMb, 1)} MB`,
    verdict(rssMb <= TARGET_RSS_MB),
  ]);
  console.log(table(["target", "wanted", "measured", "verdict"], lines, new Set()));
  console.log(
    "(SendAlert's rate is the cycle rate: in that phase the server also answers one " +
      "ResolveAlert per SendAlert, so the ratio is conservative.)",
  );
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  const settings = readSettings(process.env);
  const maxConcurrency = Math.max(...settings.concurrencies);
  const targetConcurrency = settings.concurrencies.includes(TARGET_CONCURRENCY)
    ? TARGET_CONCURRENCY
    : maxConcurrency;
  const probe = settings.sqlStats || settings.profile !== null;
  const cpuModel = cpus()[0]?.model ?? "unknown CPU";
  console.log("pager rpc-throughput bench");
  console.log(
    `machine: ${cpus().length} × ${cpuModel}, node ${process.version}; load generator and ` +
      "server share these cores with PostgreSQL",
  );
  console.log(
    `server: node${probe ? " --import tsx --import ./bench/server-probe.ts" : ""} dist/src/main.js ` +
      `(what npm start runs, own process), PAGER_LOG_LEVEL=${settings.serverLogLevel} so per-RPC and per-page ` +
      "info logs do not dominate; timer worker and dispatcher on (defaults)",
  );
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} (1/5/15 min; other work on this machine skews every figure)`,
  );
  console.log(
    `load: @grpc/grpc-js, 1 channel (HTTP/2 connection) per ${settings.workersPerChannel} ` +
      `workers; ${settings.seconds} s per phase and concurrency; concurrency ` +
      `${settings.concurrencies.join(", ")}; ${settings.services} services for cycles, ` +
      `${settings.ackPool} for acks`,
  );

  const db = await createBenchDatabase(settings.adminUrl);
  const redacted = new URL(db.url);
  redacted.password = "";
  console.log(`database: ${redacted.toString()} (created for this run, dropped at the end)`);
  const errors = new ErrorTally();
  const phases: Phase[] = [];
  let server: ServerProcess | null = null;
  // Ctrl-C must not leave a server running or a database behind.
  const interrupted = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping the server and dropping ${db.name}`);
    void (async () => {
      await server?.stop().catch(() => null);
      await db.drop().catch(() => {});
      process.exit(130);
    })();
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  let sampler: RssSampler | null = null;
  let clients: LoadClient[] = [];
  let failure: unknown = null;
  let hwmKb = 0;
  const profileDir =
    settings.profile === null ? tmpdir() : mkdtempSync(join(tmpdir(), "pager-bench-profiles-"));
  let settleWarning: string | null = null;
  let heapReport: ProbeReply | null = null;
  try {
    const startedAt = performance.now();
    server = await startServerProcess({
      databaseUrl: db.url,
      logLevel: settings.serverLogLevel,
      probe,
      env: {
        ...(settings.sqlStats ? { BENCH_PROBE_SQL: "1" } : {}),
        BENCH_PROFILE_DIR: profileDir,
      },
    });
    console.log(
      `server pid ${server.pid} at ${server.address}: SERVING after ` +
        `${fixed((performance.now() - startedAt) / 1000, 2)} s (includes migrations)`,
    );
    sampler = new RssSampler(server.pid);
    sampler.start();
    const channelCount = Math.ceil(maxConcurrency / settings.workersPerChannel);
    clients = range(channelCount).map(() => new LoadClient(server?.address ?? ""));
    const ctx: Context = {
      settings,
      clients,
      meter: new Meter(server, db, sampler, probe),
      db,
      errors,
      settleWarning: null,
      seconds: settings.seconds,
      warming: false,
    };
    const setupStarted = performance.now();
    const services = await setUp(ctx);
    console.log(
      `setup: 1 policy, ${services.length} services in ` +
        `${fixed((performance.now() - setupStarted) / 1000, 2)} s; server RSS after setup ` +
        `${fixed((readMemoryKb(server.pid)?.rssKb ?? 0) / 1024, 1)} MB`,
    );
    if (settings.warmupSeconds > 0) {
      const warmStarted = performance.now();
      await warmUp(ctx, services);
      console.log(
        `warm-up (not reported): every measured RPC at concurrency 8 for ` +
          `${settings.warmupSeconds} s each, ${fixed((performance.now() - warmStarted) / 1000, 1)} s ` +
          "in all, so the JIT and the pools are warm before the first figure",
      );
    }
    for (const concurrency of settings.concurrencies) {
      if (settings.phases.has("health")) phases.push(await healthPhase(ctx, concurrency));
      if (settings.phases.has("cycle")) phases.push(await cyclePhase(ctx, services, concurrency));
      if (settings.phases.has("ack")) phases.push(await ackPhase(ctx, services, concurrency));
      const done = phases.filter((p) => p.concurrency === concurrency).map((p) => p.name);
      console.log(`  concurrency ${concurrency}: ${done.join(", ")} measured`);
    }
    settleWarning = ctx.settleWarning;
    hwmKb = readMemoryKb(server.pid)?.hwmKb ?? 0;
    if (probe) heapReport = await server.probe({ type: "heap" });
  } catch (error) {
    failure = error;
  } finally {
    for (const client of clients) client.close();
    sampler?.stop();
  }

  process.off("SIGINT", interrupted);
  process.off("SIGTERM", interrupted);
  let exitCode: number | null = null;
  const unexpectedExit = server?.unexpectedExit() ?? null;
  if (server !== null) {
    exitCode = await server.stop();
  }
  let dropError: unknown = null;
  try {
    await db.drop();
  } catch (error) {
    dropError = error;
  }

  console.log("\n== results (latency measured at the client, includes the loopback hop)");
  printResults(phases);
  console.log("\n== resources during measured windows (CPU % of one core; 'per' = unit of work)");
  printUsage(phases);
  if (settings.sqlStats) {
    console.log(
      "\n== SQL statements sent by the server (all pool clients, background workers included)",
    );
    printSql(phases);
  }
  if (settings.profile !== null) {
    const { phase: name, concurrency } = settings.profile;
    const phase = phases.find((p) => p.name === name && p.concurrency === concurrency);
    if (phase === undefined || phase.usage.profiles.length === 0) {
      console.log(`\nno profile was taken for ${name} @ ${concurrency}`);
    } else {
      printProfile(phase, summarizeProfiles(phase.usage.profiles));
      console.log(`profiles: ${phase.usage.profiles.join(", ")}`);
    }
  }
  if (heapReport?.type === "heap") printHeap(heapReport);
  const peakRssKb = Math.max(sampler?.overallPeakKb ?? 0, hwmKb);
  console.log(
    `\n== targets (at concurrency ${targetConcurrency}; server peak RSS: sampled every 100 ms ` +
      `${fixed((sampler?.overallPeakKb ?? 0) / 1024, 1)} MB, kernel VmHWM ${fixed(hwmKb / 1024, 1)} MB)`,
  );
  printTargets(phases, peakRssKb, targetConcurrency);
  if (settleWarning !== null) console.log(`\nwarning: ${settleWarning}`);

  console.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log(`\nunexpected RPC failures/outcomes: ${errors.total}`);
  for (const [label, count] of errors.entries().slice(0, 20)) console.log(`  ${count} × ${label}`);
  console.log(
    `server stopped with SIGTERM: exit code ${exitCode ?? "none"}; bench database ` +
      (dropError === null ? `${db.name} dropped` : `NOT dropped: ${(dropError as Error).message}`),
  );
  if (unexpectedExit !== null) {
    console.error(`\nthe server ${unexpectedExit}`);
    console.error(`--- last server output ---\n${server?.output() ?? ""}`);
  }
  if (failure !== null) {
    console.error(`\nbench failed: ${failure instanceof Error ? failure.stack : String(failure)}`);
    if (server !== null && unexpectedExit === null) {
      console.error(`--- last server output ---\n${server.output()}`);
    }
  }
  const failed = failure !== null || errors.total > 0 || exitCode !== 0 || dropError !== null;
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
