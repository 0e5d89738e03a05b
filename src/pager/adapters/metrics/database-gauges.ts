import { Gauge, type Registry } from "prom-client";
import type { DataSource } from "typeorm";
import { ScrapeReading } from "../../../platform/metrics/scrape-reading.js";
import type { Clock } from "../../../platform/time/clock.js";

/** What one scrape reads from the database. */
interface Reading {
  readonly triggered: number;
  readonly acknowledged: number;
  readonly pending: number;
  readonly oldestPending: Date | null;
  readonly overdue: number;
}

/** A scrape waits this long for the database at most; Prometheus' own timeout is 10 s. */
const READ_TIMEOUT_MS = 2000;

/**
 * The pager's state series, read from the database at each scrape in one
 * statement that only touches indexed, small sets: active alerts by state,
 * the outbox's pending pages and the age of the oldest, and the overdue
 * escalations, the one number an operator must be paged on. Any replica
 * answers for the whole database, so they are aggregated with `max`, never `sum`.
 */
export function registerDatabaseGauges(
  registry: Registry,
  dataSource: DataSource,
  clock: Clock,
  overdueGraceMs: number,
  onFailure: (error: unknown) => void,
): void {
  const reading = new ScrapeReading<Reading>(
    () => read(dataSource, new Date(clock.now().getTime() - overdueGraceMs)),
    READ_TIMEOUT_MS,
    onFailure,
  );
  const registers = [registry];
  new Gauge({
    name: "pager_alerts",
    help: "Active alerts, by state (triggered, acknowledged).",
    labelNames: ["state"],
    registers,
    async collect() {
      const now = await reading.latest();
      if (now === null) return;
      this.set({ state: "triggered" }, now.triggered);
      this.set({ state: "acknowledged" }, now.acknowledged);
    },
  });
  new Gauge({
    name: "pager_outbox_pending_notifications",
    help: "Pages queued and not yet delivered or given up.",
    registers,
    async collect() {
      const now = await reading.latest();
      if (now !== null) this.set(now.pending);
    },
  });
  new Gauge({
    name: "pager_outbox_oldest_pending_age_seconds",
    help: "How long the oldest undelivered page has waited since it was queued; 0 when none waits.",
    registers,
    async collect() {
      const now = await reading.latest();
      if (now === null) return;
      const ageMs =
        now.oldestPending === null ? 0 : clock.now().getTime() - now.oldestPending.getTime();
      this.set(Math.max(0, ageMs) / 1000);
    },
  });
  new Gauge({
    name: "pager_overdue_escalations",
    help: "Triggered alerts whose current level's acknowledgement delay ran out more than the watchdog grace ago without escalating: timers are not firing.",
    registers,
    async collect() {
      const now = await reading.latest();
      if (now !== null) this.set(now.overdue);
    },
  });
}

async function read(dataSource: DataSource, overdueBefore: Date): Promise<Reading> {
  const [row]: {
    triggered: number;
    acknowledged: number;
    pending: number;
    oldest_pending: Date | null;
    overdue: number;
  }[] = await dataSource.query(
    `WITH active AS (SELECT state FROM alerts WHERE state <> 'resolved')
     SELECT
       (SELECT count(*) FROM active WHERE state = 'triggered')::int AS triggered,
       (SELECT count(*) FROM active WHERE state = 'acknowledged')::int AS acknowledged,
       (SELECT count(*) FROM notifications WHERE state = 'pending')::int AS pending,
       (SELECT min(create_time) FROM notifications WHERE state = 'pending') AS oldest_pending,
       (SELECT count(*) FROM ack_timers t JOIN alerts a ON a.id = t.alert_id
         WHERE t.fire_time < $1 AND t.cancel_time IS NULL
           AND a.state = 'triggered' AND a.current_level = t.level)::int AS overdue`,
    [overdueBefore],
  );
  return {
    triggered: row?.triggered ?? 0,
    acknowledged: row?.acknowledged ?? 0,
    pending: row?.pending ?? 0,
    oldestPending: row?.oldest_pending ?? null,
    overdue: row?.overdue ?? 0,
  };
}
