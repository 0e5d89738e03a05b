import { KEY_LOOKUP_PLANS } from "../src/pager/adapters/postgres/key-lookup-plans.js";
import { lockStatement } from "../src/pager/adapters/postgres/locked-state-sql.js";
import { createBenchDatabase } from "./lib/bench-database.js";
import { adminUrl, readPositive } from "./lib/env-settings.js";
import { runMain } from "./lib/run-main.js";
import { fixed } from "./lib/text-table.js";
import { seedVolume } from "./lib/volume-seed.js";

/**
 * `npm run bench:plans`: the query plans of what runs at volume, on a
 * database of its own holding a year of history (by default 1,000,000
 * resolved alerts and 5,000,000 sent notifications), each run with
 * EXPLAIN (ANALYZE, BUFFERS) and its execution time printed. A plan that
 * reads far more rows than it returns is an index missing.
 *
 * Environment: DATABASE_URL (server for the throwaway database),
 * BENCH_ALERTS (1000000), BENCH_NOTIFICATIONS_PER_ALERT (5),
 * BENCH_EVENTS_PER_ALERT (2), BENCH_SERVICES (10000); BENCH_KEEP_DB=1 keeps
 * the database and prints its URL (for the growth scenario of bench:growth).
 */

/** One query that runs at volume, with real values from the seeded data. */
interface Probe {
  readonly what: string;
  readonly sql: string;
  readonly values?: unknown[];
  /** Planned as the server's alert-event and dispatcher connections plan ({@link KEY_LOOKUP_PLANS}). */
  readonly keyLookups?: boolean;
}

function probes(serviceId: string, alertId: string): Probe[] {
  const byService = lockStatement([{ serviceId }]);
  const byAlert = lockStatement([{ alertId }]);
  return [
    { what: "ListAlerts, first page", sql: "SELECT * FROM alerts ORDER BY id LIMIT 51" },
    {
      what: "ListAlerts state=TRIGGERED, first page",
      sql: "SELECT * FROM alerts WHERE state = 'triggered' ORDER BY id LIMIT 51",
    },
    {
      what: "ListAlerts of one service, first page",
      sql: "SELECT * FROM alerts WHERE monitored_service_id = $1 ORDER BY id LIMIT 51",
      values: [serviceId],
    },
    {
      what: "WatchAlerts snapshot: the active alerts",
      sql: "SELECT * FROM alerts WHERE state <> 'resolved' ORDER BY id",
    },
    {
      what: "metrics: active alerts by state",
      sql: `WITH active AS (SELECT state FROM alerts WHERE state <> 'resolved')
            SELECT (SELECT count(*) FROM active WHERE state = 'triggered') AS triggered,
                   (SELECT count(*) FROM active WHERE state = 'acknowledged') AS acknowledged`,
    },
    {
      what: "dispatcher claim: due pages",
      sql: `SELECT id FROM notifications
             WHERE state = 'pending' AND next_attempt_time <= now()
               AND (claimed_until IS NULL OR claimed_until < now())
             ORDER BY next_attempt_time LIMIT 100 FOR UPDATE SKIP LOCKED`,
      keyLookups: true,
    },
    {
      what: "dispatcher: next due time",
      sql: `SELECT min(greatest(next_attempt_time, coalesce(claimed_until, next_attempt_time)))
              FROM notifications WHERE state = 'pending'`,
      keyLookups: true,
    },
    {
      what: "ListNotifications of one alert",
      sql: "SELECT * FROM notifications WHERE alert_id = $1 ORDER BY id LIMIT 51",
      values: [alertId],
    },
    {
      what: "ListAlertEvents of one alert",
      sql: "SELECT * FROM alert_events WHERE alert_id = $1 ORDER BY xid, seq LIMIT 51",
      values: [alertId],
    },
    {
      what: "alert-event lock by service (SendAlert, ResolveAlert)",
      sql: byService.statement.text,
      values: byService.values,
      keyLookups: true,
    },
    {
      what: "alert-event lock by alert (AcknowledgeAlert, timeouts)",
      sql: byAlert.statement.text,
      values: byAlert.values,
      keyLookups: true,
    },
  ];
}

async function main(): Promise<number> {
  const env = process.env;
  const size = {
    alerts: Math.floor(readPositive(env, "BENCH_ALERTS", 1_000_000)),
    notificationsPerAlert: Math.floor(readPositive(env, "BENCH_NOTIFICATIONS_PER_ALERT", 5)),
    eventsPerAlert: Math.floor(readPositive(env, "BENCH_EVENTS_PER_ALERT", 2)),
    services: Math.floor(readPositive(env, "BENCH_SERVICES", 10_000)),
  };
  const db = await createBenchDatabase(adminUrl(env));
  console.log(`pager volume plans; database ${db.name}`);
  try {
    await seedVolume(db, size);
    const [sample] = await db.query<{ service: string; alert: string }>(
      `SELECT monitored_service_id::text AS service, id::text AS alert FROM alerts
        ORDER BY id DESC LIMIT 1`,
    );
    if (sample === undefined) throw new Error("nothing was seeded");
    for (const probe of probes(sample.service, sample.alert)) {
      // In a transaction rolled back afterwards: a plan with FOR UPDATE locks nothing for good.
      await db.query("BEGIN");
      for (const setting of probe.keyLookups ? KEY_LOOKUP_PLANS : []) {
        await db.query(`SET LOCAL ${setting}`);
      }
      const started = performance.now();
      const plan = await db.query<{ "QUERY PLAN": string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${probe.sql}`,
        probe.values,
      );
      const ms = performance.now() - started;
      await db.query("ROLLBACK");
      console.log(`\n== ${probe.what} (${fixed(ms, 2)} ms with EXPLAIN ANALYZE overhead)`);
      console.log(plan.map((line) => `  ${line["QUERY PLAN"]}`).join("\n"));
    }
  } finally {
    if (env.BENCH_KEEP_DB === "1") {
      await db.keep();
      console.log(`\nkept: ${db.url} (BENCH_TEMPLATE_DB=${db.name} copies it)`);
    } else await db.drop();
  }
  return 0;
}

runMain(main);
