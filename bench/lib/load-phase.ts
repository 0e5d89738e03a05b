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
  /** Which of BENCH_ROUNDS it was measured in, from 1. */
  readonly round: number;
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
) => Promise<Omit<Phase, "round">>;

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

/** The phase of that name measured at that concurrency in that round; undefined when it did not run. */
export function phaseAt(
  phases: readonly Phase[],
  name: string,
  concurrency: number,
  round: number,
): Phase | undefined {
  return phases.find((p) => p.name === name && p.concurrency === concurrency && p.round === round);
}

/**
 * The health no-op `phase` is compared with: the one measured last before it
 * at its concurrency in its round (or the round's first, when none came
 * before it), so a rate and its floor are measured seconds apart, not
 * minutes, on a machine whose speed drifts.
 */
export function noopBefore(phases: readonly Phase[], phase: Phase): Phase | undefined {
  const noops = phases.filter(
    (p) => p.name === "health" && p.concurrency === phase.concurrency && p.round === phase.round,
  );
  const at = phases.indexOf(phase);
  return noops.filter((p) => phases.indexOf(p) < at).at(-1) ?? noops[0];
}

/** The rate of {@link noopBefore}: the floor `phase`'s rates are compared with. */
export function healthRate(phases: readonly Phase[], phase: Phase): number | null {
  const row = noopBefore(phases, phase)?.rows[0];
  return row === undefined ? null : rate(row);
}
