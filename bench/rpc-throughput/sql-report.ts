import { type Phase, unitNoun } from "./phase-result.js";
import { fixed, table } from "./text-table.js";

/**
 * BENCH_SQL_STATS=1: the statements per unit of work of each phase, most
 * frequent first, to see which round trips a call costs.
 */
export function printSql(phases: readonly Phase[]): void {
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
      `\n${phase.name} @ ${phase.concurrency}: ${fixed(total / phase.units, 2)} statements per ${per}, ` +
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
