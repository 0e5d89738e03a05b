import type { ProbeReply } from "../server-probe.js";
import { fixed } from "./text-table.js";

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
