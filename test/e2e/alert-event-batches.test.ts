import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import type pg from "pg";
import { PagerService, SendAlertOutcome } from "../../gen/pager/v1/pager_service_pb.js";
import {
  createServiceWithPolicy,
  notificationsOf,
  pageSummary,
} from "../support/pager-fixtures.js";
import { type PagerHarness, startPagerHarness } from "../support/pager-harness.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const { method } = PagerService;

/**
 * Alert events that wait for a transaction go together in the next one. With
 * one event transaction, a call held on a service's row lock (taken here by a
 * transaction of the test's own) keeps every later call waiting; when the lock
 * is let go, they run as one batch. In a database of its own, since one test
 * installs a trigger that refuses one alert.
 */
describe("alert events in batches (real PostgreSQL, concurrent grpc-js calls)", function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let h: PagerHarness;

  before(async () => {
    database = await createTestDatabase();
    h = await startPagerHarness(
      { PAGER_TIMER_WORKER: "off", PAGER_DISPATCHER: "off", PAGER_DB_EVENT_TRANSACTIONS: "1" },
      undefined,
      { databaseUrl: database.url },
    );
  });
  after(async () => {
    await h?.stop();
    await database?.drop();
  });

  /**
   * Runs `calls` while a SendAlert to a service of its own waits on that
   * service's row lock, so they queue behind it; then lets the lock go.
   */
  async function behindALock<T>(calls: () => Promise<T>[]): Promise<T[]> {
    const { service: held } = await createServiceWithPolicy(h.client);
    const locker = await h.db.connect();
    try {
      await locker.query("BEGIN");
      await locker.query("SELECT 1 FROM monitored_services WHERE id = $1 FOR UPDATE", [held.id]);
      const first = h.client.call(method.sendAlert, {
        monitoredServiceId: held.id,
        message: "held",
      });
      await waitUntilBlockedBy(locker);
      const queued = calls();
      // Every call reaches the server and waits before the lock goes.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await locker.query("COMMIT");
      await first;
      return await Promise.all(queued);
    } finally {
      locker.release();
    }
  }

  /** Waits until a transaction of the pager waits for a lock `locker`'s transaction holds. */
  async function waitUntilBlockedBy(locker: pg.PoolClient): Promise<void> {
    const { rows: own } = await locker.query("SELECT pg_backend_pid() AS pid");
    for (let i = 0; i < 100; i += 1) {
      const { rows } = await h.db.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))",
        [own[0].pid],
      );
      if (rows[0].n > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error("no alert event waited for the test's lock");
  }

  /** Runs `body` while the database refuses every alert whose message is "poison". */
  async function refusingPoison(body: () => Promise<void>): Promise<void> {
    await h.db.query(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.message = 'poison' THEN RAISE EXCEPTION 'poisoned alert'; END IF;
        RETURN NEW;
      END $$`);
    await h.db.query(`CREATE TRIGGER refuse_poison BEFORE INSERT ON alerts
      FOR EACH ROW EXECUTE FUNCTION refuse_poison()`);
    try {
      await body();
    } finally {
      await h.db.query("DROP TRIGGER refuse_poison ON alerts; DROP FUNCTION refuse_poison()");
    }
  }

  async function transactionsOf(alertIds: string[]): Promise<number> {
    const { rows } = await h.db.query(
      "SELECT count(DISTINCT xmin::text)::int AS n FROM alerts WHERE id = ANY($1::uuid[])",
      [alertIds],
    );
    return rows[0].n;
  }

  it("30 alerts for 30 services commit in one transaction, each paged once", async () => {
    const services = await Promise.all(
      Array.from({ length: 30 }, () => createServiceWithPolicy(h.client)),
    );
    const results = await behindALock(() =>
      services.map(({ service }, i) =>
        h.client.call(method.sendAlert, { monitoredServiceId: service.id, message: `batch ${i}` }),
      ),
    );
    expect(results.map((r) => r.outcome)).to.deep.equal(
      results.map(() => SendAlertOutcome.CREATED),
    );
    const alertIds = results.map((r) => r.alert?.id ?? "");
    expect(new Set(alertIds).size).to.equal(30);
    expect(await transactionsOf(alertIds)).to.equal(1);
    for (const alertId of alertIds) {
      expect(pageSummary(await notificationsOf(h.client, alertId))).to.deep.equal(["0:email"]);
    }
  });

  it("10 alerts for one service in one batch: one CREATED, then each decided on what the last wrote", async () => {
    const { service } = await createServiceWithPolicy(h.client);
    const results = await behindALock(() =>
      Array.from({ length: 10 }, (_, i) =>
        h.client.call(method.sendAlert, { monitoredServiceId: service.id, message: `same ${i}` }),
      ),
    );
    const outcomes = results.map((r) => r.outcome);
    expect(outcomes.filter((o) => o === SendAlertOutcome.CREATED)).to.have.length(1);
    expect(outcomes.filter((o) => o === SendAlertOutcome.SUPPRESSED)).to.have.length(9);
    const alertId = results[0]?.alert?.id ?? "";
    expect(results.every((r) => r.alert?.id === alertId)).to.equal(true);
    const { alert } = await h.client.call(method.getAlert, { alertId });
    expect(alert?.signalCount).to.equal(10);
    expect(pageSummary(await notificationsOf(h.client, alertId))).to.deep.equal(["0:email"]);
  });

  it("a refused decision and a failed write each answer only their own caller", async () => {
    const services = await Promise.all(
      Array.from({ length: 8 }, () => createServiceWithPolicy(h.client)),
    );
    const poisoned = await createServiceWithPolicy(h.client);
    await refusingPoison(async () => {
      const settled = await behindALock(() =>
        [
          ...services.map(({ service }) =>
            h.client.call(method.sendAlert, { monitoredServiceId: service.id, message: "fine" }),
          ),
          h.client.call(method.sendAlert, {
            monitoredServiceId: poisoned.service.id,
            message: "poison",
          }),
          h.client.call(method.sendAlert, {
            monitoredServiceId: "0190b6c4-0000-7000-8000-000000000999",
            message: "nowhere",
          }),
        ].map((call) =>
          call.then(
            (r) => ({ ok: r }),
            (error: grpc.ServiceError) => ({ error }),
          ),
        ),
      );
      const ok = settled.flatMap((s) => ("ok" in s ? [s.ok] : []));
      const failed = settled.flatMap((s) => ("error" in s ? [s.error] : []));
      expect(ok.map((r) => r.outcome)).to.deep.equal(services.map(() => SendAlertOutcome.CREATED));
      expect(failed.map((e) => e.code).sort()).to.deep.equal(
        [grpc.status.NOT_FOUND, grpc.status.INTERNAL].sort(),
      );
      const notFound = failed.find((e) => e.code === grpc.status.NOT_FOUND);
      expect(notFound?.details).to.match(/^monitored_service_id: /);
      const { rows } = await h.db.query(
        "SELECT count(*)::int AS n FROM alerts WHERE monitored_service_id = $1",
        [poisoned.service.id],
      );
      expect(rows[0].n).to.equal(0);
      const { monitoredService } = await h.client.call(method.getMonitoredService, {
        monitoredServiceId: poisoned.service.id,
      });
      expect(monitoredService?.activeAlertId).to.equal("");
    });
  });
  it("a batch whose write fails does not hold back the next one, sent after it on the same connection", async () => {
    // 70 calls queue behind the held one: the first 64 (MAX_BATCH) go out with its COMMIT,
    // the last 6 with theirs. The first of the 64 is refused by the write.
    const fine = await Promise.all(
      Array.from({ length: 69 }, () => createServiceWithPolicy(h.client)),
    );
    const poisoned = await createServiceWithPolicy(h.client);
    await refusingPoison(async () => {
      const answers = await behindALock(() =>
        [poisoned, ...fine].map(({ service }, i) =>
          h.client
            .call(method.sendAlert, {
              monitoredServiceId: service.id,
              message: i === 0 ? "poison" : "fine",
            })
            .then(
              (r) => ({ code: grpc.status.OK, outcome: r.outcome, alertId: r.alert?.id ?? "" }),
              (error: grpc.ServiceError) => ({ code: error.code, outcome: null, alertId: "" }),
            ),
        ),
      );
      const [refused, ...sent] = answers;
      expect(refused?.code).to.equal(grpc.status.INTERNAL);
      expect(sent.map((r) => r.outcome)).to.deep.equal(fine.map(() => SendAlertOutcome.CREATED));
      const alertIds = sent.map((r) => r.alertId);
      // The 63 of the failed batch ran again one per transaction; the 6 after it, together.
      expect(await transactionsOf(alertIds)).to.equal(64);
      expect(await transactionsOf(alertIds.slice(-6))).to.equal(1);
      // The 6 were sent with the failed batch's COMMIT: their transaction began before the reruns.
      const { rows } = await h.db.query(
        `SELECT max(xmin::text::bigint) FILTER (WHERE id = ANY($2::uuid[])) AS next_batch,
                min(xmin::text::bigint) FILTER (WHERE NOT id = ANY($2::uuid[])) AS reruns
           FROM alerts WHERE id = ANY($1::uuid[])`,
        [alertIds, alertIds.slice(-6)],
      );
      expect(Number(rows[0].next_batch)).to.be.below(Number(rows[0].reruns));
    });
  });

  it("a service whose new alert committed while the batch waited is read again, and an event about its old alert keeps its own", async () => {
    const { service } = await createServiceWithPolicy(h.client);
    const { alert: old } = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "first",
    });
    const oldId = old?.id ?? "";
    await h.client.call(method.resolveAlert, { subject: { case: "alertId", value: oldId } });
    // A transaction of the test's own does what a concurrent SendAlert would: a new active alert,
    // committed only once the batch below waits for the service.
    const freshId = "0190b6c4-0000-7000-8000-0000000000f1";
    const locker = await h.db.connect();
    try {
      await locker.query("BEGIN");
      await locker.query(
        `INSERT INTO alerts (id, monitored_service_id, escalation_policy_id, message, details,
           dedup_key, state, current_level, acknowledged_by, levels, create_time, acknowledge_time,
           resolve_time, signal_count, last_signal_time, level_start_time)
         SELECT $2, monitored_service_id, escalation_policy_id, 'second', details, dedup_key,
           'triggered', 0, '', levels, now(), NULL, NULL, 1, now(), now()
           FROM alerts WHERE id = $1`,
        [oldId, freshId],
      );
      await locker.query(
        "UPDATE monitored_services SET health = 'unhealthy', active_alert_id = $2 WHERE id = $1",
        [service.id, freshId],
      );
      const released = waitUntilBlockedBy(locker).then(() => locker.query("COMMIT"));
      const [resolved, acknowledged] = await behindALock(() => [
        h.client
          .call(method.resolveAlert, {
            subject: { case: "monitoredServiceId", value: service.id },
          })
          .then((r) => ({ alertId: r.alert?.id, code: grpc.status.OK })),
        h.client.call(method.acknowledgeAlert, { alertId: oldId, acknowledgedBy: "bo" }).then(
          () => ({ alertId: oldId, code: grpc.status.OK }),
          (error: grpc.ServiceError) => ({ alertId: oldId, code: error.code }),
        ),
      ]);
      await released;
      expect(resolved).to.deep.equal({ alertId: freshId, code: grpc.status.OK });
      expect(acknowledged).to.deep.equal({
        alertId: oldId,
        code: grpc.status.FAILED_PRECONDITION,
      });
    } finally {
      locker.release();
    }
  });
});
