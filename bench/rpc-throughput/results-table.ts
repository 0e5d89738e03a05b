import { healthRate, type Phase, rate } from "./phase-result.js";
import { fixed, table } from "./text-table.js";

/**
 * Rate and latency of every RPC, each rate also as a ratio of the health rate
 * at the same concurrency: absolute rates depend on the machine, the ratio
 * much less.
 */
export function printResults(phases: readonly Phase[]): void {
  console.log("\n== results (latency measured at the client, includes the loopback hop)");
  const rows = phases.flatMap((phase) =>
    phase.rows.map((row) => {
      const base = healthRate(phases, row.concurrency);
      return [
        row.rpc,
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
      ["rpc", "conc", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "× health"],
      rows,
      new Set([1, 2, 3, 4, 5, 6, 7]),
    ),
  );
}
