import { collectDefaultMetrics, Registry } from "prom-client";

/**
 * A program's own Prometheus registry, with the process series every Node.js
 * exporter has (CPU, memory, event-loop lag, GC: `collectDefaultMetrics`).
 * One registry per running server, never prom-client's global one, so two
 * servers in one process (tests, replicas side by side) never count into
 * each other's series.
 */
export function newMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
