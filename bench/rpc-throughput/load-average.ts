import { loadavg } from "node:os";

/** 1/5/15-minute load average, printed at start and end: other work on the box skews every figure. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
}
