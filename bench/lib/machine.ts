import { cpus, loadavg } from "node:os";

/** Cores, CPU model and Node version: a pasted figure must carry the conditions it was measured in. */
export function machineDescription(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, node ${process.version}`;
}

/** 1/5/15-minute load average, printed at start and end: other work on the box skews every figure. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
}
