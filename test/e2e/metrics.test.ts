import { create, toBinary } from "@bufbuild/protobuf";
import { StringValueSchema, timestampFromMs } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { ApiKeyRole } from "../../gen/pager/v1/api_key_service_pb.js";
import { EscalationPolicyService } from "../../gen/pager/v1/escalation_policy_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import type { Target } from "../../gen/pager/v1/target_pb.js";
import { TimerService } from "../../gen/timer/v1/timer_service_pb.js";
import { createKey } from "../support/api-keys.js";
import { type CallbackServer, startCallbackServer } from "../support/callback-server.js";
import { type FakeProviders, startFakeProviders } from "../support/fake-providers.js";
import {
  NotificationState,
  notificationsOf,
  seconds,
  target,
  uniqueName,
} from "../support/pager-fixtures.js";
import { eventually, type PagerHarness, startPagerHarness } from "../support/pager-harness.js";
import { scrape, scrapeOk, scrapeStatusAs } from "../support/scrape.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { TEST_KEYS } from "../support/test-keys.js";
import { startTimerHarness, type TimerHarness } from "../support/timer-harness.js";

const { method } = PagerService;
const WEBHOOK_SECRET = "metrics-webhook-secret";
const PAGER = "pager.v1.PagerService";

/** A service whose policy pages one target per level, each with its acknowledgement delay (s). */
async function serviceWithLevels(h: PagerHarness, levels: [Target, number][]): Promise<string> {
  const { escalationPolicy } = await h.client.call(
    EscalationPolicyService.method.createEscalationPolicy,
    {
      name: uniqueName("p"),
      levels: levels.map(([to, ack]) => ({ targets: [to], ackTimeout: seconds(ack) })),
    },
  );
  const { monitoredService } = await h.client.call(method.createMonitoredService, {
    name: uniqueName("svc"),
    escalationPolicyId: escalationPolicy?.id ?? "",
  });
  return monitoredService?.id ?? "";
}

/**
 * `/metrics` of the pager and the timer service against real servers, a
 * database of this suite's own (so the gauges read from it count only what
 * the suite did) and real providers on loopback: the counts after a scripted
 * escalation, the overdue-escalation gauge following the timer worker, and
 * who may scrape where.
 */
describe("metrics: Prometheus /metrics of the pager and the timer service", function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let fakes: FakeProviders;

  before(async () => {
    database = await createTestDatabase();
    fakes = await startFakeProviders(WEBHOOK_SECRET);
  });
  after(async () => {
    await fakes?.close();
    await database?.drop();
  });

  describe("a scripted escalation: two levels, one failed delivery, one acknowledgement", () => {
    let h: PagerHarness;
    before(async () => {
      h = await startPagerHarness({ ...fakes.env, PAGER_MAX_DELIVERY_ATTEMPTS: "1" }, undefined, {
        databaseUrl: database.url,
      });
    });
    after(async () => {
      await h?.stop();
    });

    it("shows exactly those counts, the gauges read from the database, and the process series", async () => {
      const ok = fakes.hooks.url(uniqueName("level0"));
      const failing = fakes.hooks.url(uniqueName("level1"));
      fakes.hooks.scriptFor(failing, 500);
      const serviceId = await serviceWithLevels(h, [
        [target.webhook(ok), 1],
        [target.webhook(failing), 60],
      ]);
      const { alert } = await h.client.call(method.sendAlert, {
        monitoredServiceId: serviceId,
        message: "error rate above 5%",
      });
      const alertId = alert?.id ?? "";
      await eventually(async () => expect(fakes.hooks.receivedAt(ok)).to.have.length(1));
      h.clock.advance(1500);
      await eventually(async () => {
        const pages = await notificationsOf(h.client, alertId);
        expect(pages.map((page) => [page.level, page.state])).to.deep.equal([
          [0, NotificationState.SENT],
          [1, NotificationState.FAILED],
        ]);
      });
      await h.client.call(method.acknowledgeAlert, { alertId, acknowledgedBy: "ana" });
      const refused = await h.client.fail(method.getAlert, { alertId: "not-an-id" });
      expect(refused.code).to.equal(grpc.status.INVALID_ARGUMENT);

      const m = await scrapeOk(`127.0.0.1:${h.pager.port}`, TEST_KEYS.admin);
      const rpc = (grpc_method: string, grpc_code = "OK") =>
        m.value("grpc_server_handled_total", { grpc_service: PAGER, grpc_method, grpc_code });
      expect(rpc("SendAlert")).to.equal(1);
      expect(rpc("AcknowledgeAlert")).to.equal(1);
      expect(rpc("GetAlert", "INVALID_ARGUMENT")).to.equal(1);
      expect(
        m.value("grpc_server_handling_seconds_count", {
          grpc_service: PAGER,
          grpc_method: "SendAlert",
          grpc_code: "OK",
        }),
      ).to.equal(1);
      expect(m.value("pager_escalations_total")).to.equal(1);
      expect(m.value("pager_ack_timeouts_total", { outcome: "escalated" })).to.equal(1);
      expect(m.value("pager_ack_timeouts_total", { outcome: "ignored-acknowledged" })).to.equal(0);
      expect(m.value("pager_ack_timer_lateness_seconds_count")).to.equal(1);
      const webhook = (state: string) => ({ channel: "webhook", state });
      expect(m.value("pager_notifications_total", webhook("sent"))).to.equal(1);
      expect(m.value("pager_notifications_total", webhook("failed"))).to.equal(1);
      expect(m.value("pager_notifications_total", { channel: "email", state: "sent" })).to.equal(0);
      expect(
        m.value("pager_notification_attempts_total", { channel: "webhook", result: "failed" }),
      ).to.equal(1);
      expect(m.value("pager_notification_delivery_seconds_count", { channel: "webhook" })).to.equal(
        1,
      );
      expect(m.value("pager_alerts", { state: "acknowledged" })).to.equal(1);
      expect(m.value("pager_alerts", { state: "triggered" })).to.equal(0);
      expect(m.value("pager_outbox_pending_notifications")).to.equal(0);
      expect(m.value("pager_outbox_oldest_pending_age_seconds")).to.equal(0);
      expect(m.value("pager_overdue_escalations")).to.equal(0);
      expect(m.value("pager_timer_relay_failures_total")).to.equal(0);
      expect(m.value("db_pool_connections_in_use", { pool: "main" })).to.be.a("number");
      expect(m.value("db_pool_waiting_requests", { pool: "dispatcher" })).to.equal(0);
      expect(m.value("process_cpu_user_seconds_total")).to.be.above(0);
    });
  });

  describe("overdue escalations: the watchdog's number", () => {
    let idle: PagerHarness;
    let worker: PagerHarness | undefined;
    before(async () => {
      // A pager whose timer worker is stopped: timers come due and nothing fires them.
      idle = await startPagerHarness(
        {
          PAGER_TIMER_WORKER: "off",
          PAGER_DISPATCHER: "off",
          PAGER_TIMER_WATCHDOG_GRACE_MS: "1000",
        },
        undefined,
        { databaseUrl: database.url },
      );
    });
    after(async () => {
      await worker?.stop();
      await idle?.stop();
    });

    it("rises while no timer worker runs and falls once one fires the late timer", async () => {
      const serviceId = await serviceWithLevels(idle, [
        [target.email("first@example.com"), 1],
        [target.email("second@example.com"), 60],
      ]);
      await idle.client.call(method.sendAlert, {
        monitoredServiceId: serviceId,
        message: "disk full",
      });
      const address = `127.0.0.1:${idle.pager.port}`;
      expect(
        (await scrapeOk(address, TEST_KEYS.admin)).value("pager_overdue_escalations"),
      ).to.equal(0);
      idle.clock.advance(1000 + 1000 + 500);
      expect(
        (await scrapeOk(address, TEST_KEYS.admin)).value("pager_overdue_escalations"),
      ).to.equal(1);
      // The timer worker resumes, in another process of the same database.
      worker = await startPagerHarness({ PAGER_DISPATCHER: "off" }, undefined, {
        databaseUrl: database.url,
      });
      await eventually(async () => {
        const m = await scrapeOk(address, TEST_KEYS.admin);
        expect(m.value("pager_overdue_escalations")).to.equal(0);
      }, 10_000);
      const m = await scrapeOk(`127.0.0.1:${worker.pager.port}`, TEST_KEYS.admin);
      expect(m.value("pager_escalations_total"), "the worker escalated it").to.equal(1);
    });
  });

  describe("who may scrape", () => {
    let h: PagerHarness;
    let own: PagerHarness;
    before(async () => {
      h = await startPagerHarness({}, undefined, { databaseUrl: database.url });
      own = await startPagerHarness({ PAGER_METRICS_PORT: "0" }, undefined, {
        databaseUrl: database.url,
      });
    });
    after(async () => {
      await own?.stop();
      await h?.stop();
    });

    it("on the API port: no key is 401, a key that may not read is 403, a viewer's key is 200", async () => {
      const address = `127.0.0.1:${h.pager.port}`;
      const anonymous = await scrape(address);
      expect(anonymous.status).to.equal(401);
      expect(anonymous.text).to.match(/API key/);
      const integration = await createKey(h.client, ApiKeyRole.INTEGRATION);
      const denied = await scrape(address, integration.secret);
      expect(denied.status).to.equal(403);
      expect(denied.text).to.match(/needs the role admin, responder or viewer/);
      const viewer = await createKey(h.client, ApiKeyRole.VIEWER);
      const read = await scrapeOk(address, viewer.secret);
      expect(read.value("pager_overdue_escalations")).to.be.a("number");
      expect(h.pager.metricsPort).to.equal(h.pager.port);
    });

    it("on a port of its own: open without a key, and not on the API port", async () => {
      expect(own.pager.metricsPort).to.not.equal(own.pager.port);
      const read = await scrapeOk(`127.0.0.1:${own.pager.metricsPort}`);
      expect(read.value("pager_escalations_total")).to.be.a("number");
      expect((await scrape(`127.0.0.1:${own.pager.port}`, TEST_KEYS.admin)).status).to.equal(404);
      const asName = (address: string) => scrapeStatusAs(address, "pager-1:9090", TEST_KEYS.admin);
      expect(await asName(`127.0.0.1:${h.pager.port}`), "API port: a name not its own").to.equal(
        403,
      );
      expect(await asName(`127.0.0.1:${own.pager.metricsPort}`), "its own port: any name").to.equal(
        200,
      );
    });
  });

  describe("the timer service", () => {
    let timer: TimerHarness;
    let open: TimerHarness;
    let callee: CallbackServer;
    const CALLEE = "test.v1.Callee/Fire";
    before(async () => {
      callee = await startCallbackServer([CALLEE], () =>
        Promise.reject({ code: grpc.status.UNAVAILABLE, details: "restarting" }),
      );
      const env = {
        TIMER_CALLBACK_ALLOWLIST: callee.endpoint,
        TIMER_RETRY_BASE_MS: "50",
        TIMER_RETRY_MAX_MS: "100",
        TIMER_MAX_ATTEMPTS: "3",
      };
      timer = await startTimerHarness(database.url, env);
      open = await startTimerHarness(database.url, { ...env, TIMER_METRICS_PORT: "0" });
    });
    after(async () => {
      await open?.stop();
      await timer?.stop();
      await callee?.close();
    });

    it("counts callbacks by code and retries, and timers by state; its own keys guard the API port", async () => {
      await timer.client.call(TimerService.method.setTimer, {
        timerId: uniqueName("t"),
        schedule: { case: "fireTime", value: timestampFromMs(Date.now()) },
        callback: {
          endpoint: callee.endpoint,
          method: CALLEE,
          request: toBinary(StringValueSchema, create(StringValueSchema, { value: "x" })),
        },
      });
      const address = `127.0.0.1:${timer.timer.port}`;
      expect((await scrape(address)).status).to.equal(401);
      expect(
        (await scrape(address, TEST_KEYS.admin)).status,
        "a pager key is not a timer key",
      ).to.equal(401);
      const m = await eventually(async () => {
        const both = [
          await scrapeOk(address, TEST_KEYS.timerService),
          await scrapeOk(`127.0.0.1:${open.timer.metricsPort}`),
        ];
        const failed = both.map((s) => s.value("timer_timers", { state: "failed" }));
        expect(failed, "the database's count, whichever replica answers").to.deep.equal([1, 1]);
        return both;
      }, 10_000);
      const sum = (name: string, labels?: Record<string, string>) =>
        m.reduce((total, s) => total + (s.value(name, labels) ?? 0), 0);
      expect(sum("timer_callbacks_total", { code: "UNAVAILABLE" })).to.equal(3);
      expect(sum("timer_callback_retries_total")).to.equal(2);
      expect(sum("timer_callbacks_total", { code: "OK" })).to.equal(0);
      expect(sum("timer_fire_lateness_seconds_count")).to.equal(0);
    });
  });
});
