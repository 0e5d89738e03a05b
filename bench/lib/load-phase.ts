import { type LatencySummary, summarize } from "./latency-stats.js";
import type { LoadContext } from "./load-context.js";
import type { LoadSettings } from "./load-settings.js";
import type { Usage } from "./resource-meter.js";

/** One line of the results table. */
export interface Row {
  readonly rpc: string;
  readonly concurrency: number;
  readonly requests: number;
  readonly seconds: number;
  readonly latency: LatencySummary;
}

/** One measured phase: its rows and what the server spent per unit of work. */
export interface Phase {
  readonly name: string;
  readonly concurrency: number;
  readonly rows: Row[];
  readonly usage: Usage;
  /** What "per call" means for this phase (a cycle is two RPCs). */
  readonly unit: string;
  readonly units: number;
}

/**
 * Every phase has this shape, so the runner can run them from one list. `services` are the
 * ids made at setup; a phase uses the slice it needs (health needs none).
 */
export type PhaseRun<S extends LoadSettings = LoadSettings> = (
  ctx: LoadContext<S>,
  services: readonly string[],
  concurrency: number,
) => Promise<Phase>;

/** A row's rate is over the measured windows only (`usage.wallMs`), never the untimed setup. */
export function rowOf(rpc: string, concurrency: number, samples: number[], usage: Usage): Row {
  return {
    rpc,
    concurrency,
    requests: samples.length,
    seconds: usage.wallMs / 1000,
    latency: summarize(samples),
  };
}

/** The unit without its note ("call (3 rounds)" → "call"), for "per …" labels. */
export function unitNoun(phase: Phase): string {
  return phase.unit.split(" ")[0] ?? "";
}

/** Requests per measured second; 0 rather than NaN for a phase that never got to run. */
export function rate(row: Row): number {
  return row.seconds > 0 ? row.requests / row.seconds : 0;
}

/** Health/Check's rate at a concurrency: the floor every other rate is compared with. */
export function healthRate(phases: readonly Phase[], concurrency: number): number | null {
  const health = phases.find((p) => p.name === "health" && p.concurrency === concurrency);
  const row = health?.rows[0];
  return row === undefined ? null : rate(row);
}
