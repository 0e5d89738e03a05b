import { cpus } from "node:os";
import { healthRate, type Phase, rate } from "./load-phase.js";
import type { LoadOutcome } from "./load-run.js";
import type { LoadSettings } from "./load-settings.js";
import { loadAverage } from "./machine.js";
import type { TearDown } from "./run-cleanup.js";
import { printHeap, printProfile, printSql } from "./server-insight.js";
import { fixed, table } from "./text-table.js";

/**
 * Everything after a load run, in one place so a failed run prints the same
 * sections (with what it measured) as a good one, then what went wrong.
 * `printTargets` prints the scenario's own verdicts.
 */
export function printLoadReport(
  settings: LoadSettings,
  run: LoadOutcome,
  stop: TearDown,
  dbName: string,
  printTargets: () => void,
): void {
  const rounds = settings.rounds > 1;
  printResults(run.phases, rounds);
  printUsage(run.phases, rounds);
  if (settings.sqlStats) printSql(run.phases, rounds);
  if (settings.profile !== null) printProfile(settings.profile, run.phases);
  if (run.heapReport?.type === "heap") printHeap(run.heapReport);
  printTargets();
  if (run.warning !== null) console.log(`\nwarning: ${run.warning}`);

  console.log(`load average at end: ${loadAverage()}`);
  console.log(`\nunexpected RPC failures/outcomes: ${run.errors.total}`);
  for (const [label, count] of run.errors.entries().slice(0, 20)) {
    console.log(`  ${count} × ${label}`);
  }
  console.log(
    `server stopped with SIGTERM: exit code ${stop.exitCode ?? "none"}; bench database ` +
      (stop.dropError === null
        ? `${dbName} dropped`
        : `NOT dropped: ${(stop.dropError as Error).message}`),
  );
  const serverOutput = `--- last server output ---\n${run.server?.output() ?? ""}`;
  if (stop.unexpectedExit !== null) {
    console.error(`\nthe server ${stop.unexpectedExit}`);
    console.error(serverOutput);
  }
  if (run.failure !== null) {
    const failure = run.failure;
    console.error(`\nbench failed: ${failure instanceof Error ? failure.stack : String(failure)}`);
    if (run.server !== null && stop.unexpectedExit === null) console.error(serverOutput);
  }
}

/**
 * Rate and latency of every RPC, each rate also as a ratio of the health rate
 * at the same concurrency: absolute rates depend on the machine, the ratio
 * much less.
 */
function printResults(phases: readonly Phase[], rounds: boolean): void {
  console.log("\n== results (latency measured at the client, includes the loopback hop)");
  const rows = phases.flatMap((phase) =>
    phase.rows.map((row) => {
      const base = healthRate(phases, phase);
      return [
        row.rpc,
        ...roundColumn(rounds, String(phase.round)),
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
      [
        "rpc",
        ...roundColumn(rounds, "round"),
        "conc",
        "requests",
        "req/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "× health",
      ],
      rows,
      shifted(rounds, [1, 2, 3, 4, 5, 6, 7]),
    ),
  );
}

/**
 * CPU and memory per phase, also per unit of work: where the time goes
 * (server, PostgreSQL, load generator) and whether the machine itself was
 * the limit.
 */
function printUsage(phases: readonly Phase[], rounds: boolean): void {
  console.log("\n== resources during measured windows (CPU % of one core; 'per' = unit of work)");
  const rows = phases.map((phase) => {
    const u = phase.usage;
    const perUnit = (ms: number) => (phase.units > 0 ? fixed(ms / phase.units, 3) : "-");
    const percent = (ms: number) => (u.wallMs > 0 ? fixed((100 * ms) / u.wallMs, 0) : "-");
    return [
      phase.name,
      ...roundColumn(rounds, String(phase.round)),
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
        ...roundColumn(rounds, "round"),
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
      shifted(rounds, [1, 2, 4, 5, 6, 7, 8, 9, 10]),
    ),
  );
}

/** The round column's cell (or head), right after the first column, when the run had several. */
function roundColumn(rounds: boolean, cell: string): string[] {
  return rounds ? [cell] : [];
}

/** The right-aligned `columns` of a table, moved one on by a round column (itself right-aligned). */
function shifted(rounds: boolean, columns: readonly number[]): Set<number> {
  return new Set(rounds ? [1, ...columns.map((column) => column + 1)] : columns);
}
