import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { DataSource } from "typeorm";
import { ScrapeReading } from "../../../platform/metrics/scrape-reading.js";
import type { FiringMetrics } from "../../app/ports.js";
import type { TimerState } from "../../domain/timer.js";

const STATES: readonly TimerState[] = ["scheduled", "firing", "fired", "failed", "cancelled"];
/** From 5 ms (on time) to 2 min (a replica that died holding the timer, then its lease). */
const LATENESS_SECONDS_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 30, 60, 120,
];
/** A scrape waits this long for the database at most. */
const READ_TIMEOUT_MS = 2000;

/**
 * The timer service's series: callbacks by the code the callee answered,
 * retries, how late timers fire (due time to the callee's OK), and timers by
 * state, read from the database at each scrape (one indexed count). A callee
 * that is down shows here as a climbing `UNAVAILABLE` count while the log
 * says it once.
 */
export class PrometheusTimerMetrics implements FiringMetrics {
  private readonly callbacks: Counter<"code">;
  private readonly retries: Counter;
  private readonly latenessSeconds: Histogram;

  constructor(registry: Registry, dataSource: DataSource, onReadFailure: (error: unknown) => void) {
    const registers = [registry];
    this.callbacks = new Counter({
      name: "timer_callbacks_total",
      help: "Callback attempts, by the gRPC code the callee answered (OK, UNAVAILABLE…; NOT_ALLOWED when off the allow-list).",
      labelNames: ["code"],
      registers,
    });
    this.retries = new Counter({
      name: "timer_callback_retries_total",
      help: "Failed callback attempts that will be tried again.",
      registers,
    });
    this.latenessSeconds = new Histogram({
      name: "timer_fire_lateness_seconds",
      help: "From a timer's fire time to its callee accepting the callback.",
      buckets: LATENESS_SECONDS_BUCKETS,
      registers,
    });
    this.callbacks.inc({ code: "OK" }, 0);
    const byState = new ScrapeReading(
      async () =>
        (await dataSource.query(
          "SELECT state, count(*)::int AS count FROM timer.timers GROUP BY state",
        )) as { state: TimerState; count: number }[],
      READ_TIMEOUT_MS,
      onReadFailure,
    );
    new Gauge({
      name: "timer_timers",
      help: "Timers in the database, by state.",
      labelNames: ["state"],
      registers,
      async collect() {
        const rows = await byState.latest();
        if (rows === null) return;
        for (const state of STATES) {
          this.set({ state }, rows.find((row) => row.state === state)?.count ?? 0);
        }
      },
    });
  }

  attempted(code: string, retry: boolean): void {
    this.callbacks.inc({ code });
    if (retry) this.retries.inc();
  }

  fired(latenessMs: number): void {
    this.latenessSeconds.observe(Math.max(0, latenessMs) / 1000);
  }
}
