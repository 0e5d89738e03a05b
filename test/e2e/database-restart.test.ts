import { setTimeout as delay } from "node:timers/promises";
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { GrpcTestClient } from "../support/grpc-client.js";
import { grpcCheck } from "../support/grpc-health-client.js";
import { LogRecorder } from "../support/log-recorder.js";
import {
  createServiceWithPolicy,
  NotificationState,
  notificationsOf,
} from "../support/pager-fixtures.js";
import { eventually, type PagerHarness, startPagerHarness } from "../support/pager-harness.js";
import { RestartableDatabase } from "../support/restartable-database.js";
import { scrapeOk } from "../support/scrape.js";
import { TEST_KEYS } from "../support/test-keys.js";

const { method } = PagerService;
const CLIENTS = 16;
/** The promise made to operators: every call works again this soon after the database does. */
const HEAL_MS = 5000;

/** One RPC of the load, as its client saw it. */
interface Outcome {
  readonly startMs: number;
  readonly endMs: number;
  /** grpc.status of the answer; OK when it succeeded. */
  readonly code: grpc.status;
  readonly details: string;
}

/** Health as a load balancer polling it saw it. */
interface HealthSample {
  readonly atMs: number;
  readonly serving: boolean;
}

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
    const t0 = performance.now();
    const now = () => performance.now() - t0;
    const outcomes: Outcome[] = [];
    const health: HealthSample[] = [];
    let running = true;

    const healthClient = new grpc.Client(h.address, grpc.credentials.createInsecure());
    const watchHealth = (async () => {
      while (running) {
        const atMs = now();
        const serving = await grpcCheck(healthClient, "").then(
          (r) => r.status === HealthCheckResponse_ServingStatus.SERVING,
          () => false,
        );
        health.push({ atMs, serving });
        await delay(50);
      }
    })();

    const clients = services.map(() => new GrpcTestClient(h.address, TEST_KEYS.admin));
    const timed = async (call: () => Promise<unknown>) => {
      const startMs = now();
      let code = grpc.status.OK;
      let details = "";
      try {
        await call();
      } catch (error) {
        ({ code, details } = error as grpc.ServiceError);
      }
      outcomes.push({ startMs, endMs: now(), code, details });
    };
    const load = services.map(async ({ service }, i) => {
      const client = clients[i] as GrpcTestClient;
      while (running) {
        await timed(() =>
          client.call(method.sendAlert, { monitoredServiceId: service.id, message: "load" }),
        );
        await timed(() =>
          client.call(method.resolveAlert, {
            subject: { case: "monitoredServiceId", value: service.id },
          }),
        );
      }
    });

    await delay(1000);
    const downAtMs = now();
    await database.stop();
    await delay(2000);
    await database.restart();
    const upAtMs = now();
    await delay(HEAL_MS + 2000);
    running = false;
    await Promise.all([...load, watchHealth]);
    for (const client of clients) client.close();
    healthClient.close();

    const failures = outcomes.filter((o) => o.code !== grpc.status.OK);
    const codes = new Set(failures.map((o) => grpc.status[o.code]));
    expect(failures.length, "the outage was felt").to.be.above(0);
    const unexpected = logs.withMessage("unexpected error").map((line) => JSON.stringify(line.err));
    expect(
      [...codes],
      `clients see only UNAVAILABLE; logged: ${unexpected.join("\n")}`,
    ).to.deep.equal(["UNAVAILABLE"]);
    const lastFailure = failures.reduce((a, b) => (a.endMs > b.endMs ? a : b));
    const lastFailureEnd = lastFailure.endMs;
    expect(
      lastFailureEnd - upAtMs,
      `every call works again within 5 s (down at ${downAtMs}, up at ${upAtMs}; last failure ${JSON.stringify(lastFailure)})`,
    ).to.be.below(HEAL_MS);
    const healed = outcomes.filter((o) => o.startMs > lastFailureEnd);
    expect(healed.length, "and the load went on after").to.be.above(CLIENTS);
    expect(
      outcomes.filter((o) => o.startMs < downAtMs && o.code === grpc.status.OK).length,
    ).to.be.above(0);

    const notServing = health.filter((s) => s.atMs > downAtMs && !s.serving);
    expect(notServing.length, "health went NOT_SERVING while down").to.be.above(0);
    const servingAgain = health.find((s) => s.atMs > upAtMs && s.serving);
    expect(servingAgain, "health came back").to.not.equal(undefined);
    expect((servingAgain?.atMs ?? 0) - upAtMs, "health came back promptly").to.be.below(HEAL_MS);
    const lastSample = health[health.length - 1];
    expect(lastSample?.serving).to.equal(true);

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
