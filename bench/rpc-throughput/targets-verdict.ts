import { healthRate, type Phase, rate } from "./phase-result.js";
import { fixed, table } from "./text-table.js";

const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 100;
const TARGET_RSS_MB = 250;

/** The server's peak RSS two ways: the sampler can miss a short spike, VmHWM cannot. */
export interface PeakRss {
  readonly sampledKb: number;
  readonly hwmKb: number;
}

/** Prints each target with PASS/MISS; a miss is a finding, never a failure of the run. */
export function printTargets(phases: readonly Phase[], concurrency: number, rss: PeakRss): void {
  console.log(
    `\n== targets (at concurrency ${concurrency}; server peak RSS: sampled every 100 ms ` +
      `${fixed(rss.sampledKb / 1024, 1)} MB, kernel VmHWM ${fixed(rss.hwmKb / 1024, 1)} MB)`,
  );
  const lines: string[][] = [];
  const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
  const base = healthRate(phases, concurrency);
  for (const rpc of ["SendAlert", "AcknowledgeAlert"]) {
    const row = phases
      .flatMap((p) => p.rows)
      .find((r) => r.rpc === rpc && r.concurrency === concurrency);
    if (row === undefined) continue;
    if (base !== null) {
      const ratio = rate(row) / base;
      lines.push([
        `${rpc} rate / health rate @ ${concurrency}`,
        `≥ ${TARGET_RATIO}`,
        `${fixed(ratio, 3)} (${fixed(rate(row), 0)} / ${fixed(base, 0)} req/s)`,
        verdict(ratio >= TARGET_RATIO),
      ]);
    }
    lines.push([
      `${rpc} p99 @ ${concurrency}`,
      `≤ ${TARGET_P99_MS} ms`,
      `${fixed(row.latency.p99, 2)} ms`,
      verdict(row.latency.p99 <= TARGET_P99_MS),
    ]);
  }
  const rssMb = Math.max(rss.sampledKb, rss.hwmKb) / 1024;
  lines.push([
    "server peak RSS",
    `≤ ${TARGET_RSS_MB} MB`,
    `${fixed(rssMb, 1)} MB`,
    verdict(rssMb <= TARGET_RSS_MB),
  ]);
  console.log(table(["target", "wanted", "measured", "verdict"], lines, new Set()));
  console.log(
    "(SendAlert's rate is the cycle rate: in that phase the server also answers one " +
      "ResolveAlert per SendAlert, so the ratio is conservative.)",
  );
}
