import { summarizeProfiles } from "./cpu-profile-summary.js";
import { type Phase, unitNoun } from "./load-phase.js";
import type { ProbeReply } from "./server-probe.js";
import { fixed, table } from "./text-table.js";

/*
 * What the server did inside, from bench/lib/server-probe.ts: its SQL per
 * unit of work, where its CPU went, and what its memory is made of.
 */

/**
 * BENCH_SQL_STATS=1: the statements per unit of work of each phase, most
 * frequent first, to see which round trips a call costs.
 */
export function printSql(phases: readonly Phase[], rounds: boolean): void {
  console.log(
    "\n== SQL statements sent by the server (all pool clients, background workers included)",
  );
  for (const phase of phases) {
    if (phase.usage.sql.size === 0 || phase.units === 0) continue;
    const statements = [...phase.usage.sql.values()].sort((a, b) => b.count - a.count);
    const total = statements.reduce((sum, s) => sum + s.count, 0);
    const totalMs = statements.reduce((sum, s) => sum + s.totalMs, 0);
    const per = unitNoun(phase);
    console.log(
      `\n${phase.name} @ ${phase.concurrency}${rounds ? `, round ${phase.round}` : ""}: ` +
        `${fixed(total / phase.units, 2)} statements per ${per}, ` +
        `${fixed(totalMs / phase.units, 2)} ms summed statement latency per ${per}`,
    );
    console.log(
      table(
        [`per ${per}`, "avg ms", "statement"],
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

/**
 * BENCH_CPU_PROF: where the server's CPU went during the profiled phase, by
 * package, by the package or src/ folder that asked for it, and by function.
 */
export function printProfile(
  profile: { readonly phase: string; readonly concurrency: number },
  phases: readonly Phase[],
): void {
  // Every round of the phase is profiled: all of them are summed.
  const profiled = phases.filter(
    (p) => p.name === profile.phase && p.concurrency === profile.concurrency,
  );
  const files = profiled.flatMap((p) => p.usage.profiles);
  const [first] = profiled;
  if (first === undefined || files.length === 0) {
    console.log(`\nno profile was taken for ${profile.phase} @ ${profile.concurrency}`);
    return;
  }
  printProfiles(
    `${first.name} @ ${first.concurrency}`,
    files,
    profiled.reduce((units, p) => units + p.units, 0),
    unitNoun(first),
  );
}

/** Where the server's CPU went in `profiles`, per `unit` of the `units` done meanwhile. */
export function printProfiles(
  label: string,
  profiles: readonly string[],
  units: number,
  unit: string,
): void {
  const summary = summarizeProfiles(profiles);
  const busy = summary.busyMs;
  const pct = (ms: number) => `${fixed((100 * ms) / busy, 1)}%`;
  console.log(
    `\nserver CPU profile, ${label}: ${fixed(busy, 0)} ms busy, ` +
      `${fixed(summary.idleMs, 0)} ms idle, ${fixed(busy / Math.max(1, units), 3)} ms busy per ${unit}`,
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
  console.log(`profiles: ${profiles.join(", ")}`);
}

/** What the server's RSS is made of, before and after a forced full GC. */
export function printHeap(report: Extract<ProbeReply, { type: "heap" }>): void {
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
