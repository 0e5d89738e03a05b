import { ackPhase } from "./ack-phase.js";
import { cyclePhase } from "./cycle-phase.js";
import { healthPhase } from "./health-phase.js";
import type { Context } from "./load-context.js";
import type { Phase, PhaseRun } from "./phase-result.js";
import type { PhaseName } from "./settings.js";

/** In the order they run: the table reads health first, the floor the others are compared with. */
const PHASES: readonly (readonly [PhaseName, PhaseRun])[] = [
  ["health", healthPhase],
  ["cycle", cyclePhase],
  ["ack", ackPhase],
];

/**
 * Runs the phases BENCH_PHASES asks for at one concurrency, handing each to
 * `record` as soon as it is done so a later failure keeps the earlier figures.
 */
export async function runPhasesAt(
  ctx: Context,
  services: readonly string[],
  concurrency: number,
  record: (phase: Phase) => void,
): Promise<void> {
  for (const [name, run] of PHASES) {
    if (ctx.settings.phases.has(name)) record(await run(ctx, services, concurrency));
  }
}

/**
 * Runs each phase briefly at concurrency 8 and throws the figures away: the
 * first seconds of a fresh Node process run unoptimised code (a cold server
 * was measured at twice the CPU per call), which would otherwise be charged
 * to whichever phase happens to come first.
 */
export async function warmUp(ctx: Context, services: readonly string[]): Promise<void> {
  ctx.warming = true;
  ctx.seconds = ctx.settings.warmupSeconds;
  const concurrency = Math.min(8, ctx.clients.length * ctx.settings.workersPerChannel);
  try {
    await runPhasesAt(ctx, services, concurrency, () => {});
  } finally {
    ctx.warming = false;
    ctx.seconds = ctx.settings.seconds;
  }
}
