import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { LogRecorder } from "../support/log-recorder.js";
import {
  createServiceWithPolicy,
  NotificationState,
  notificationsOf,
} from "../support/pager-fixtures.js";
import { eventually, type PagerHarness, startPagerHarness } from "../support/pager-harness.js";
import { restartFigures, restartUnderLoad } from "../support/restart-under-load.js";
import { RestartableDatabase } from "../support/restartable-database.js";
import { scrapeOk } from "../support/scrape.js";
import { TEST_KEYS } from "../support/test-keys.js";

const { method } = PagerService;
const CLIENTS = 16;
/** The promise made to operators: every call works again this soon after the database does. */
const HEAL_MS = 5000;

/**
 * The pager's own embedded PostgreSQL (never the shared server) restarted
 * while 16 clients send and resolve alerts without pause: what the clients
 * see while it is down, how fast everything heals, and that nothing was
 * lost or doubled.
 */
describe("database restart under load (embedded PostgreSQL of this test)", function () {
  this.timeout(120_000);
  let database: RestartableDatabase;
  let h: PagerHarness;
  const logs = new LogRecorder();

  before(async () => {
    database = await RestartableDatabase.start();
    h = await startPagerHarness({}, logs, { databaseUrl: database.url });
  });
  after(async () => {
    await h?.stop();
    await database?.drop();
  });

  it("answers only UNAVAILABLE while down, heals within 5 s, health follows, workers resume, invariants hold", async () => {
    const services = await Promise.all(
      Array.from({ length: CLIENTS }, () => createServiceWithPolicy(h.client, [1, 60])),
    );
    const run = await restartUnderLoad(
      h.address,
      database,
      services.map(({ service }) => service.id),
      { beforeMs: 1000, downMs: 2000, afterMs: HEAL_MS + 2000 },
    );
    const figures = restartFigures(run);
    expect(figures.failures, "the outage was felt").to.be.above(0);
    const unexpected = logs.withMessage("unexpected error").map((line) => JSON.stringify(line.err));
    expect(
      Object.keys(figures.codes),
      `clients see only UNAVAILABLE; logged: ${unexpected.join("\n")}`,
    ).to.deep.equal(["UNAVAILABLE"]);
    expect(
      figures.lastFailureAfterUpMs,
      `every call works again within 5 s (${JSON.stringify({ ...run, outcomes: undefined, health: undefined, lastFailure: figures.lastFailure })})`,
    ).to.be.below(HEAL_MS);
    expect(figures.healedCalls, "and the load went on after").to.be.above(CLIENTS);
    expect(
      run.outcomes.filter((o) => o.startMs < run.downAtMs && o.code === grpc.status.OK).length,
      "it worked before",
    ).to.be.above(0);
    expect(figures.notServingAfterDownMs, "health went NOT_SERVING while down").to.not.equal(null);
    expect(figures.servingAfterUpMs, "health came back").to.not.equal(null);
    expect(figures.servingAfterUpMs ?? HEAL_MS, "health came back promptly").to.be.below(HEAL_MS);
    expect(run.health[run.health.length - 1]?.serving).to.equal(true);

    // Workers resume: a new alert is paged (dispatcher) and escalates (timer worker).
    const { service } = services[0] ?? { service: undefined };
    const { alert } = await h.client.call(method.sendAlert, {
      monitoredServiceId: service?.id ?? "",
      message: "after the restart",
    });
    const alertId = alert?.id ?? "";
    h.clock.advance(1500);
    await eventually(async () => {
      const pages = await notificationsOf(h.client, alertId);
      expect(pages.map((p) => [p.level, p.state])).to.have.deep.members([
        [0, NotificationState.SENT],
        [1, NotificationState.SENT],
        [1, NotificationState.SENT],
      ]);
    }, 10_000);

    // Invariants: a service is unhealthy exactly when it has an active alert, and no page was
    // delivered twice.
    const { rows: broken } = await h.db.query(
      `SELECT s.id FROM monitored_services s
        LEFT JOIN alerts a ON a.monitored_service_id = s.id AND a.state <> 'resolved'
        WHERE (s.health = 'unhealthy') <> (a.id IS NOT NULL)
           OR (a.id IS NOT NULL AND s.active_alert_id IS DISTINCT FROM a.id)`,
    );
    expect(broken, "service health ⇔ active alert").to.deep.equal([]);
    await eventually(async () => {
      const { rows } = await h.db.query(
        "SELECT count(*)::int AS n FROM notifications WHERE state = 'pending'",
      );
      expect(rows[0]?.n, "every page queued was delivered").to.equal(0);
    }, 20_000);
    const delivered = logs
      .withMessage("page delivered to log channel")
      .map((line) => (line.page as { notification_id: string }).notification_id);
    const { rows: sent } = await h.db.query<{ id: string }>(
      "SELECT id FROM notifications WHERE state = 'sent'",
    );
    expect(sent.length).to.be.above(CLIENTS);
    expect(delivered.length - new Set(delivered).size, "pages delivered twice").to.equal(0);
    expect(new Set(delivered)).to.deep.equal(new Set(sent.map((row) => row.id)));

    const m = await scrapeOk(h.address, TEST_KEYS.admin);
    expect(
      m.value("grpc_server_handled_total", {
        grpc_service: "pager.v1.PagerService",
        grpc_method: "SendAlert",
        grpc_code: "UNAVAILABLE",
      }),
      "the outage shows in metrics",
    ).to.be.above(0);
  });
});
