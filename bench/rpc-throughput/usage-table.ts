import { cpus } from "node:os";
import type { Phase } from "./phase-result.js";
import { fixed, table } from "./text-table.js";

/**
 * CPU and memory per phase, also per unit of work: where the time goes
 * (server, PostgreSQL, load generator) and whether the machine itself was
 * the limit.
 */
export function printUsage(phases: readonly Phase[]): void {
  console.log("\n== resources during measured windows (CPU % of one core; 'per' = unit of work)");
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
