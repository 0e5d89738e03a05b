import { summarizeProfiles } from "../cpu-profile-summary.js";
import { type Phase, unitNoun } from "./phase-result.js";
import type { Settings } from "./settings.js";
import { fixed, table } from "./text-table.js";

/**
 * BENCH_CPU_PROF: where the server's CPU went during the profiled phase, by
 * package, by the package or src/ folder that asked for it, and by function.
 */
export function printProfile(
  profile: NonNullable<Settings["profile"]>,
  phases: readonly Phase[],
): void {
  const phase = phases.find(
    (p) => p.name === profile.phase && p.concurrency === profile.concurrency,
  );
  if (phase === undefined || phase.usage.profiles.length === 0) {
    console.log(`\nno profile was taken for ${profile.phase} @ ${profile.concurrency}`);
    return;
  }
  const summary = summarizeProfiles(phase.usage.profiles);
  const busy = summary.busyMs;
  const pct = (ms: number) => `${fixed((100 * ms) / busy, 1)}%`;
  console.log(
    `\nserver CPU profile, ${phase.name} @ ${phase.concurrency}: ${fixed(busy, 0)} ms busy, ` +
      `${fixed(summary.idleMs, 0)} ms idle, ${fixed(busy / Math.max(1, phase.units), 3)} ms busy per ${unitNoun(phase)}`,
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
  console.log(`profiles: ${phase.usage.profiles.join(", ")}`);
}
