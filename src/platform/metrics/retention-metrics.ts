import { Counter, type Registry } from "prom-client";
import type { RetentionMetrics } from "../workers/retention-sweep.js";

/**
 * `<prefix>_retention_deleted_total{table}`: rows retention deleted, so an
 * operator sees the tables kept bounded (and a sweep that stopped).
 */
export function retentionMetrics(
  registry: Registry,
  prefix: string,
  tables: readonly string[],
): RetentionMetrics {
  const counter = new Counter({
    name: `${prefix}_retention_deleted_total`,
    help: "Rows deleted because what they belong to finished longer ago than the retention, by table.",
    labelNames: ["table"],
    registers: [registry],
  });
  for (const table of tables) counter.inc({ table }, 0);
  return {
    deleted(counts) {
      for (const [table, count] of Object.entries(counts)) {
        if (count > 0) counter.inc({ table }, count);
      }
    },
  };
}
