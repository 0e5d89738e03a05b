import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_KEYS } from "../../test/support/test-keys.js";
import type { BenchDatabase } from "./bench-database.js";
import { ErrorTally } from "./error-tally.js";
import { LoadClient } from "./grpc-load-client.js";
import { type LoadContext, range } from "./load-context.js";
import type { Phase, PhaseRun } from "./load-phase.js";
import { type LoadSettings, needsProbe } from "./load-settings.js";
import { RssSampler, readMemoryKb } from "./proc-stats.js";
import { Meter } from "./resource-meter.js";
import type { ProbeReply } from "./server-probe.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";
import { fixed } from "./text-table.js";

type PhaseName<S> = S extends LoadSettings<infer N> ? N : string;

/** The server's peak RSS two ways: the sampler can miss a short spike, VmHWM cannot. */
export interface PeakRss {
  readonly sampledKb: number;
  readonly hwmKb: number;
}

/** What a load run measures, and how: its phases in order, and the setup they share. */
export interface LoadPlan<S extends LoadSettings> {
  readonly settings: S;
  readonly db: BenchDatabase;
  /** Every phase by name; BENCH_PHASES picks among them. */
  readonly phases: readonly (readonly [PhaseName<S>, PhaseRun<S>])[];
  /**
   * The picked phases in the order one round runs them at each concurrency;
   * a name may come more than once (a reference phase run again next to
   * each phase it is compared with).
   */
  order(picked: S["phases"]): readonly PhaseName<S>[];
  /** Untimed: creates what the phases work on and returns its ids. */
  setUp(ctx: LoadContext<S>): Promise<string[]>;
  /** Told as soon as the server is up, so an interrupt can stop it. */
  onServer(server: ServerProcess): void;
}

/** Everything the report needs, including how far the run got when it failed. */
export interface LoadOutcome {
  readonly server: ServerProcess | null;
  readonly phases: readonly Phase[];
  readonly errors: ErrorTally;
  readonly peakRss: PeakRss;
  readonly heapReport: ProbeReply | null;
  readonly warning: string | null;
  /** What stopped the run early; null when every phase ran. */
  readonly failure: unknown;
}

/**
 * Starts the pager in its own process, sets up, warms up and measures every
 * phase at every concurrency. Never throws: a failure is returned with the
 * phases measured before it, so the report still shows them. Leaves the
 * server running for the caller to stop.
 */
export async function runLoad<S extends LoadSettings>(plan: LoadPlan<S>): Promise<LoadOutcome> {
  const { settings, db } = plan;
  const probe = needsProbe(settings);
  const errors = new ErrorTally();
  const phases: Phase[] = [];
  let server: ServerProcess | null = null;
  let sampler: RssSampler | null = null;
  let ctx: LoadContext<S> | null = null;
  let failure: unknown = null;
  let hwmKb = 0;
  let heapReport: ProbeReply | null = null;
  try {
    server = await startServer(settings, db, probe);
    plan.onServer(server);
    sampler = new RssSampler(server.pid);
    sampler.start();
    const channels = Math.ceil(Math.max(...settings.concurrencies) / settings.workersPerChannel);
    const clients = range(channels).map(
      () => new LoadClient(server?.address ?? "", TEST_KEYS.admin),
    );
    ctx = {
      settings,
      server,
      clients,
      meter: new Meter(server, db, sampler, probe),
      db,
      errors,
      warning: null,
      seconds: settings.seconds,
      warming: false,
    };
    const services = await plan.setUp(ctx);
    if (settings.warmupSeconds > 0) await warmUp(ctx, plan, services);
    for (const concurrency of settings.concurrencies) {
      for (let round = 1; round <= settings.rounds; round++) {
        await runPhasesAt(ctx, plan, plan.order(settings.phases), services, concurrency, (phase) =>
          phases.push({ ...phase, round }),
        );
        const done = phases
          .filter((p) => p.concurrency === concurrency && p.round === round)
          .map((p) => p.name);
        const of = settings.rounds > 1 ? `, round ${round} of ${settings.rounds}` : "";
        console.log(`  concurrency ${concurrency}${of}: ${done.join(", ")} measured`);
      }
    }
    hwmKb = readMemoryKb(server.pid)?.hwmKb ?? 0;
    if (probe) heapReport = await server.probe({ type: "heap" });
  } catch (error) {
    failure = error;
  } finally {
    for (const client of ctx?.clients ?? []) client.close();
    sampler?.stop();
  }
  const peakRss = { sampledKb: sampler?.overallPeakKb ?? 0, hwmKb };
  return { server, phases, errors, peakRss, heapReport, warning: ctx?.warning ?? null, failure };
}

async function startServer(
  settings: LoadSettings,
  db: BenchDatabase,
  probe: boolean,
): Promise<ServerProcess> {
  const profileDir =
    settings.profile === null ? tmpdir() : mkdtempSync(join(tmpdir(), "pager-bench-profiles-"));
  const startedAt = performance.now();
  const server = await startServerProcess({
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
  return server;
}

/**
 * Runs the phases named, in that order, at one concurrency, handing each to
 * `record` as soon as it is done so a later failure keeps the earlier figures.
 */
async function runPhasesAt<S extends LoadSettings>(
  ctx: LoadContext<S>,
  plan: LoadPlan<S>,
  names: readonly PhaseName<S>[],
  services: readonly string[],
  concurrency: number,
  record: (phase: Omit<Phase, "round">) => void,
): Promise<void> {
  for (const name of names) {
    const run = plan.phases.find(([phase]) => phase === name)?.[1];
    if (run !== undefined) record(await run(ctx, services, concurrency));
  }
}

/**
 * Runs each phase briefly at concurrency 8 and throws the figures away: the
 * first seconds of a fresh Node process run unoptimised code (a cold server
 * was measured at twice the CPU per call), which would otherwise be charged
 * to whichever phase happens to come first.
 */
async function warmUp<S extends LoadSettings>(
  ctx: LoadContext<S>,
  plan: LoadPlan<S>,
  services: readonly string[],
): Promise<void> {
  const started = performance.now();
  ctx.warming = true;
  ctx.seconds = ctx.settings.warmupSeconds;
  const concurrency = Math.min(8, ctx.clients.length * ctx.settings.workersPerChannel);
  try {
    const once = [...new Set(plan.order(ctx.settings.phases))];
    await runPhasesAt(ctx, plan, once, services, concurrency, () => {});
  } finally {
    ctx.warming = false;
    ctx.seconds = ctx.settings.seconds;
  }
  console.log(
    `warm-up (not reported): every measured RPC at concurrency 8 for ` +
      `${ctx.settings.warmupSeconds} s each, ${fixed((performance.now() - started) / 1000, 1)} s ` +
      "in all, so the JIT and the pools are warm before the first figure",
  );
}
