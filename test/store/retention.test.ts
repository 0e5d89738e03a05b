import { expect } from "chai";
import type { DataSource } from "typeorm";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { openDatabase } from "../../src/pager/adapters/postgres/data-source.js";
import { PostgresResolvedAlertRetention } from "../../src/pager/adapters/postgres/resolved-alert-retention.js";
import { readConfig } from "../../src/pager/settings/pager-config.js";
import { RetentionSweep } from "../../src/platform/workers/retention-sweep.js";
import { MemoryLog } from "../support/memory-log.js";
import {
  createServiceWithPolicy,
  NotificationState,
  notificationsOf,
} from "../support/pager-fixtures.js";
import { eventually, type PagerHarness, startPagerHarness } from "../support/pager-harness.js";
import { scrapeOk } from "../support/scrape.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { TEST_KEYS } from "../support/test-keys.js";

const method = PagerService.method;
const DAY = 86_400_000;
const RETENTION_MS = 90 * DAY;
const TABLES = ["notifications", "ack_timers", "alert_events"] as const;

/**
 * Retention on a real PostgreSQL, in a database of its own (moving the clock
 * three months on would otherwise make every other suite's resolved alerts
 * old): alerts made through the API, the clock moved past the retention,
 * then the sweep the pager runs, in batches of one.
 */
describe("retention deletes old resolved alerts with their rows, and nothing else (real PostgreSQL)", function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let h: PagerHarness;
  let db: DataSource;

  before(async () => {
    database = await createTestDatabase();
    h = await startPagerHarness({}, undefined, { databaseUrl: database.url });
    db = await openDatabase({
      url: database.url,
      poolSize: 2,
      timeouts: readConfig({}).dbTimeouts,
    });
  });
  after(async () => {
    await db?.destroy();
    await h?.stop();
    await database?.drop();
  });

  /** An alert on a new service, once its level-0 page went out. */
  async function pagedAlert(serviceId?: string): Promise<{ alertId: string; serviceId: string }> {
    const id = serviceId ?? (await createServiceWithPolicy(h.client)).service.id;
    const { alert } = await h.client.call(method.sendAlert, {
      monitoredServiceId: id,
      message: "retention",
    });
    const alertId = alert?.id ?? "";
    await eventually(async () => {
      const pages = await notificationsOf(h.client, alertId);
      expect(pages.map((page) => page.state)).to.include(NotificationState.SENT);
    });
    return { alertId, serviceId: id };
  }

  const resolve = (alertId: string) =>
    h.client.call(method.resolveAlert, { subject: { case: "alertId", value: alertId } });

  /** Rows of `alertId` in the alert's own table and in each table that hangs off it. */
  async function rowsOf(alertId: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of ["alerts", ...TABLES]) {
      const column = table === "alerts" ? "id" : "alert_id";
      const { rows } = await h.db.query(
        `SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`,
        [alertId],
      );
      counts[table] = rows[0].n;
    }
    return counts;
  }

  it("a clock moved past PAGER_RETENTION: old resolved alerts go, active and recent ones stay whole", async () => {
    const oldResolved = [await pagedAlert(), await pagedAlert()];
    for (const { alertId } of oldResolved) await resolve(alertId);
    const acknowledged = await pagedAlert();
    await h.client.call(method.acknowledgeAlert, {
      alertId: acknowledged.alertId,
      acknowledgedBy: "ops",
    });
    const triggered = await pagedAlert();

    h.clock.advance(RETENTION_MS + 3_600_000);
    // The first service had a new alert since, resolved just now: recent, kept.
    const recent = await pagedAlert(oldResolved[0]?.serviceId);
    await resolve(recent.alertId);

    const doomed = await Promise.all(oldResolved.map(({ alertId }) => rowsOf(alertId)));
    for (const rows of doomed) {
      expect(rows.alerts).to.equal(1);
      expect(rows.notifications).to.be.above(0);
      expect(rows.alert_events).to.be.above(0);
    }
    const kept = [acknowledged, triggered, recent];
    const keptBefore = await Promise.all(kept.map(({ alertId }) => rowsOf(alertId)));
    expect(keptBefore[1]?.ack_timers, "the triggered alert's timer").to.equal(1);

    const log = new MemoryLog();
    const counted: Record<string, number>[] = [];
    const sweep = new RetentionSweep(
      {
        store: new PostgresResolvedAlertRetention(db),
        clock: h.clock,
        log,
        metrics: { deleted: (tables) => counted.push({ ...tables }) },
      },
      { retentionMs: RETENTION_MS, batchSize: 1, pauseMs: 0, intervalMs: 60_000, what: "alerts" },
    );
    const delays = [await sweep.tick(), await sweep.tick(), await sweep.tick()];
    expect(delays, "two full batches of one, then one that finds nothing").to.deep.equal([
      0, 0, 60_000,
    ]);

    for (const { alertId } of oldResolved) {
      expect(await rowsOf(alertId)).to.deep.equal({
        alerts: 0,
        notifications: 0,
        ack_timers: 0,
        alert_events: 0,
      });
    }
    expect(await Promise.all(kept.map(({ alertId }) => rowsOf(alertId)))).to.deep.equal(keptBefore);
    const total = (table: string) => doomed.reduce((sum, rows) => sum + (rows[table] ?? 0), 0);
    expect(log.lines[0]?.fields.deleted).to.deep.equal({
      alerts: 2,
      notifications: total("notifications"),
      ack_timers: total("ack_timers"),
      alert_events: total("alert_events"),
    });
    expect(counted.map((tables) => tables.alerts)).to.deep.equal([1, 1, 0]);

    // The services and the API agree: the deleted alerts are gone, the rest are served.
    for (const { alertId } of oldResolved) {
      const refused = await h.client.call(method.getAlert, { alertId }).then(
        () => "found",
        (error: { code?: number }) => error.code,
      );
      expect(refused).to.equal(5); // NOT_FOUND
    }
    const { alert } = await h.client.call(method.getAlert, { alertId: triggered.alertId });
    expect(alert?.id).to.equal(triggered.alertId);
  });

  it("a pager runs the sweep itself: one that starts deletes an alert resolved 100 days ago, and counts it", async () => {
    const { alertId } = await pagedAlert();
    await resolve(alertId);
    await h.db.query("UPDATE alerts SET resolve_time = now() - interval '100 days' WHERE id = $1", [
      alertId,
    ]);
    const other = await startPagerHarness({}, undefined, { databaseUrl: database.url });
    try {
      await eventually(async () => expect((await rowsOf(alertId)).alerts).to.equal(0));
      const metrics = await scrapeOk(other.address, TEST_KEYS.admin);
      expect(metrics.value("pager_retention_deleted_total", { table: "alerts" })).to.equal(1);
    } finally {
      await other.stop();
    }
  });
});
