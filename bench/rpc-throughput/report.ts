import type { RunOutcome } from "./bench-run.js";
import type { TearDown } from "./clean-up.js";
import { printHeap } from "./heap-report.js";
import { loadAverage } from "./load-average.js";
import { printProfile } from "./profile-report.js";
import { printResults } from "./results-table.js";
import { type Settings, targetConcurrency } from "./settings.js";
import { printSql } from "./sql-report.js";
import { printTargets } from "./targets-verdict.js";
import { printUsage } from "./usage-table.js";

/**
 * Everything after the run, in one place so a failed run prints the same
 * sections (with what it measured) as a good one, then what went wrong.
 */
export function printReport(
  settings: Settings,
  run: RunOutcome,
  stop: TearDown,
  dbName: string,
): void {
  printResults(run.phases);
  printUsage(run.phases);
  if (settings.sqlStats) printSql(run.phases);
  if (settings.profile !== null) printProfile(settings.profile, run.phases);
  if (run.heapReport?.type === "heap") printHeap(run.heapReport);
  printTargets(run.phases, targetConcurrency(settings), run.peakRss);
  if (run.settleWarning !== null) console.log(`\nwarning: ${run.settleWarning}`);

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
