import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_KEYS } from "../../test/support/test-keys.js";
import type { BenchDatabase } from "../bench-database.js";
import { LoadClient } from "../grpc-load-client.js";
import { RssSampler, readMemoryKb } from "../proc-stats.js";
import type { ProbeReply } from "../server-probe.js";
import { type ServerProcess, startServerProcess } from "../server-process.js";
import { ErrorTally } from "./error-tally.js";
import { type Context, range } from "./load-context.js";
import type { Phase } from "./phase-result.js";
import { runPhasesAt, warmUp } from "./phase-runner.js";
import { setUpPolicyAndServices } from "./policy-setup.js";
import { Meter } from "./resource-meter.js";
import { needsProbe, type Settings } from "./settings.js";
import type { PeakRss } from "./targets-verdict.js";
import { fixed } from "./text-table.js";

/** Everything the report needs, including how far the run got when it failed. */
export interface RunOutcome {
  readonly server: ServerProcess | null;
  readonly phases: readonly Phase[];
  readonly errors: ErrorTally;
  readonly peakRss: PeakRss;
  readonly heapReport: ProbeReply | null;
  readonly settleWarning: string | null;
  /** What stopped the run early; null when every phase ran. */
  readonly failure: unknown;
}

/**
 * Starts the server, sets up, warms up and measures every phase at every
 * concurrency. Never throws: a failure is returned with the phases measured
 * before it, so the report still shows them. Leaves the server running for
 * the caller to stop; `onServer` learns of it as soon as it is up.
 */
export async function runBench(
  settings: Settings,
  db: BenchDatabase,
  onServer: (server: ServerProcess) => void,
): Promise<RunOutcome> {
  const probe = needsProbe(settings);
  const errors = new ErrorTally();
  const phases: Phase[] = [];
  let server: ServerProcess | null = null;
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
    onServer(server);
    console.log(
      `server pid ${server.pid} at ${server.address}: SERVING after ` +
        `${fixed((performance.now() - startedAt) / 1000, 2)} s (includes migrations)`,
    );
    sampler = new RssSampler(server.pid);
    sampler.start();
    const channelCount = Math.ceil(
      Math.max(...settings.concurrencies) / settings.workersPerChannel,
    );
    clients = range(channelCount).map(() => new LoadClient(server?.address ?? "", TEST_KEYS.admin));
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
    const services = await setUpPolicyAndServices(ctx);
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
      await runPhasesAt(ctx, services, concurrency, (phase) => phases.push(phase));
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
  const peakRss = { sampledKb: sampler?.overallPeakKb ?? 0, hwmKb };
  return { server, phases, errors, peakRss, heapReport, settleWarning, failure };
}
