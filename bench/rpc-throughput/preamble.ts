import { cpus } from "node:os";
import { loadAverage } from "./load-average.js";
import { needsProbe, type Settings } from "./settings.js";

/** What was measured and how, printed first so a pasted result carries its conditions. */
export function printPreamble(settings: Settings): void {
  const cpuModel = cpus()[0]?.model ?? "unknown CPU";
  console.log("pager rpc-throughput bench");
  console.log(
    `machine: ${cpus().length} × ${cpuModel}, node ${process.version}; load generator and ` +
      "server share these cores with PostgreSQL",
  );
  console.log(
    `server: node${needsProbe(settings) ? " --import tsx --import ./bench/server-probe.ts" : ""} dist/src/pager/main.js ` +
      `(what npm start runs, own process), PAGER_LOG_LEVEL=${settings.serverLogLevel} so per-RPC and per-page ` +
      "info logs do not dominate; timer worker and dispatcher on (defaults)",
  );
  console.log(
    `load average at start: ${loadAverage()} (1/5/15 min; other work on this machine skews every figure)`,
  );
  console.log(
    `load: @grpc/grpc-js, 1 channel (HTTP/2 connection) per ${settings.workersPerChannel} ` +
      `workers; ${settings.seconds} s per phase and concurrency; concurrency ` +
      `${settings.concurrencies.join(", ")}; ${settings.services} services for cycles, ` +
      `${settings.ackPool} for acks`,
  );
}
