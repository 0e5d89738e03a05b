import type { BenchDatabase } from "./bench-database.js";
import type { ErrorTally } from "./error-tally.js";
import type { LoadClient } from "./grpc-load-client.js";
import type { LoadSettings } from "./load-settings.js";
import type { Meter } from "./resource-meter.js";
import type { ServerProcess } from "./server-process.js";

/** What every phase needs to put load on the server, measure it and count what went wrong. */
export interface LoadContext<S extends LoadSettings = LoadSettings> {
  readonly settings: S;
  readonly server: ServerProcess;
  readonly clients: readonly LoadClient[];
  readonly meter: Meter;
  readonly db: BenchDatabase;
  readonly errors: ErrorTally;
  /** Something that makes the figures doubtful without failing the run; printed at the end. */
  warning: string | null;
  /** Length of the measured part of each phase; shorter while warming up. */
  seconds: number;
  /** Warm-up rounds are run like phases but never profiled nor reported. */
  warming: boolean;
}

/** Worker w uses channel w / workersPerChannel, so no connection carries more than its share. */
export function clientFor(ctx: LoadContext, worker: number): LoadClient {
  const client = ctx.clients[Math.floor(worker / ctx.settings.workersPerChannel)];
  if (client === undefined) throw new Error(`no channel for worker ${worker}`);
  return client;
}

/** Worker and item indexes 0…n-1, to start `n` workers with `Promise.all`. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * Runs `concurrency` workers, each on its channel, each calling `step` again
 * and again (with how many times it did before) until `deadline`
 * (performance.now() ms) or until its step answers false.
 */
export async function runWorkers(
  ctx: LoadContext,
  concurrency: number,
  deadline: number,
  step: (client: LoadClient, worker: number, round: number) => Promise<boolean | undefined>,
): Promise<void> {
  await Promise.all(
    range(concurrency).map(async (worker) => {
      const client = clientFor(ctx, worker);
      for (let round = 0; performance.now() < deadline; round += 1) {
        if ((await step(client, worker, round)) === false) return;
      }
    }),
  );
}

/** Runs `work` on every item, `concurrency` at a time, spread over the channels. */
export async function forEachConcurrent<T>(
  ctx: LoadContext,
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

/** Only the one phase and concurrency BENCH_CPU_PROF names is profiled, and never its warm-up. */
export function wantsProfile(ctx: LoadContext, phase: string, concurrency: number): boolean {
  const profile = ctx.warming ? null : ctx.settings.profile;
  return profile !== null && profile.phase === phase && profile.concurrency === concurrency;
}
