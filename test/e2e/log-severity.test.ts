import { status as GrpcStatus } from "@grpc/grpc-js";
import { expect } from "chai";
import { pino } from "pino";
import { EscalationPolicyService } from "../../gen/pager/v1/escalation_policy_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { type RunningPager, startPagerServer } from "../../src/pager/pager-server.js";
import { readConfig } from "../../src/pager/settings/pager-config.js";
import { readTimerConfig } from "../../src/timer/timer-config.js";
import { type RunningTimerService, startTimerServer } from "../../src/timer/timer-server.js";
import { type CallbackServer, forwardTo, startCallbackServer } from "../support/callback-server.js";
import { freePort } from "../support/free-port.js";
import { GrpcTestClient } from "../support/grpc-client.js";
import { LogRecorder } from "../support/log-recorder.js";
import {
  NotificationState,
  notificationsOf,
  seconds,
  target,
  uniqueName,
} from "../support/pager-fixtures.js";
import { eventually } from "../support/pager-harness.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { TEST_KEYS, testPagerEnv } from "../support/test-keys.js";
import { TIMEOUT_METHOD } from "../support/timer-system.js";

const WARN = 40;
const INFO = 30;
const DEBUG = 20;

/** The severity each line an operator may alert on is meant to have, per program. */
const INTENDED: Record<"pager" | "timer", Record<string, number>> = {
  pager: {
    "pager listening": INFO,
    "could not relay timers to the timer service; will retry": WARN,
    "relaying timers to the timer service again": INFO,
    "page delivered to log channel": INFO,
    "page delivery failed; will retry": WARN,
    "page delivery failed": WARN,
    "every page of this escalation level failed: nobody was reached": WARN,
  },
  timer: {
    "timer service listening": INFO,
    "callback failed; will retry": WARN,
    "callbacks to this endpoint succeed again": INFO,
    "timer fired": DEBUG,
  },
};

/**
 * What an operator's log pipeline reads, end to end: a pager whose timer
 * service is down at first, a timer callback the pager's address refuses
 * once, and a webhook that is never reachable. Every line both programs
 * write must parse as JSON with pino's numeric `level` of the intended
 * severity, never shadowed by a field of ours (escalation levels are
 * `escalation_level`), and a failing dependency must be logged once per
 * outage, not once per retry.
 */
describe("log lines: JSON with the intended pino level, through outages and a failed page", () => {
  let db: TestDatabase;
  let proxy: CallbackServer;
  let forward: ReturnType<typeof forwardTo> | null = null;
  let pager: RunningPager | null = null;
  let timer: RunningTimerService | null = null;
  let client: GrpcTestClient | null = null;
  const pagerLogs = new LogRecorder();
  const timerLogs = new LogRecorder();

  before(async () => {
    db = await createTestDatabase();
    let refused = 0;
    proxy = await startCallbackServer([TIMEOUT_METHOD], async (request, method, metadata) => {
      if (refused++ === 0) throw { code: GrpcStatus.UNAVAILABLE, details: "pager restarting" };
      if (forward === null) throw { code: GrpcStatus.UNAVAILABLE, details: "no pager yet" };
      return forward.handle(request, method, metadata);
    });
  });
  after(async () => {
    client?.close();
    await pager?.stop();
    await timer?.stop();
    forward?.close();
    await proxy?.close();
    await db?.drop();
  });

  it("escalates past a timer-service outage, a refused callback and a dead webhook", async () => {
    const timerPort = await freePort();
    const unreachable = `http://127.0.0.1:${await freePort()}/hook`;
    pager = await startPagerServer({
      config: readConfig({
        PAGER_PORT: "0",
        PAGER_TIMER_URL: `http://127.0.0.1:${timerPort}`,
        PAGER_TIMER_CALLBACK_URL: `http://${proxy.endpoint}`,
        PAGER_MAX_DELIVERY_ATTEMPTS: "2",
        PAGER_DELIVERY_RETRY_BASE_MS: "20",
        PAGER_DELIVERY_TIMEOUT_MS: "500",
        PAGER_SHUTDOWN_GRACE_MS: "1000",
        PAGER_TIMER_API_KEY: TEST_KEYS.timerService,
        ...testPagerEnv(),
      }),
      databaseUrl: db.url,
      logger: pino({ level: "debug" }, pagerLogs),
    });
    forward = forwardTo(`127.0.0.1:${pager.port}`);
    client = new GrpcTestClient(`127.0.0.1:${pager.port}`, TEST_KEYS.admin);
    const tag = uniqueName("logs");
    const { escalationPolicy } = await client.call(
      EscalationPolicyService.method.createEscalationPolicy,
      {
        name: tag,
        levels: [
          { targets: [target.email(`${tag}@example.com`)], ackTimeout: seconds(1) },
          { targets: [target.webhook(unreachable)], ackTimeout: seconds(60) },
        ],
      },
    );
    const { monitoredService } = await client.call(PagerService.method.createMonitoredService, {
      name: tag,
      escalationPolicyId: escalationPolicy?.id ?? "",
    });
    const { alert } = await client.call(PagerService.method.sendAlert, {
      monitoredServiceId: monitoredService?.id ?? "",
      message: "disk full",
    });
    const alertId = alert?.id ?? "";

    // The timer service is down: the relay keeps retrying, and says so once.
    await eventually(async () => {
      expect(pagerLogs.withMessage("could not relay timers to the timer service; will retry")).to
        .not.be.empty;
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    timer = await startTimerServer({
      config: readTimerConfig({
        TIMER_PORT: String(timerPort),
        TIMER_CALLBACK_ALLOWLIST: `${proxy.endpoint}/${TIMEOUT_METHOD}`,
        TIMER_API_KEYS: TEST_KEYS.timerService,
        TIMER_RETRY_BASE_MS: "50",
        TIMER_RETRY_MAX_MS: "200",
        TIMER_SHUTDOWN_GRACE_MS: "1000",
      }),
      databaseUrl: db.url,
      logger: pino({ level: "debug" }, timerLogs),
    });

    await eventually(async () => {
      const pages = await notificationsOf(client as GrpcTestClient, alertId);
      expect(pages.map((page) => [page.level, page.state])).to.deep.equal([
        [0, NotificationState.SENT],
        [1, NotificationState.FAILED],
      ]);
      expect(
        pagerLogs.withMessage("every page of this escalation level failed: nobody was reached"),
      ).to.have.length(1);
    }, 15_000);

    for (const message of Object.keys(INTENDED.pager)) {
      expect(pagerLogs.withMessage(message), `pager: "${message}"`).to.not.be.empty;
    }
    for (const message of Object.keys(INTENDED.timer)) {
      expect(timerLogs.withMessage(message), `timer service: "${message}"`).to.not.be.empty;
    }
    expect(
      pagerLogs.withMessage("could not relay timers to the timer service; will retry"),
      "one line per outage, not one per retry",
    ).to.have.length(1);
    const warnings = pagerLogs
      .withMessage("page delivery failed")
      .concat(
        pagerLogs.withMessage("every page of this escalation level failed: nobody was reached"),
      );
    for (const line of warnings) {
      expect(line).to.include({ level: WARN, alert_id: alertId, escalation_level: 1 });
    }
  });

  it("every line of both programs is JSON with one numeric pino level, the intended one", async () => {
    await pager?.stop();
    await timer?.stop();
    pager = null;
    timer = null;
    const programs = [
      { name: "pager", logs: pagerLogs, intended: INTENDED.pager },
      { name: "timer", logs: timerLogs, intended: INTENDED.timer },
    ] as const;
    for (const { name, logs, intended } of programs) {
      expect(logs.raw.length, name).to.be.above(5);
      for (const raw of logs.raw) {
        const line = JSON.parse(raw) as { level: unknown; msg?: string };
        expect(raw.match(/"level":/g), `${name}: one "level" key in ${raw}`).to.have.length(1);
        expect(Object.keys(pino.levels.labels).map(Number), `${name}: ${raw}`).to.include(
          line.level,
        );
        const expected = intended[line.msg ?? ""];
        if (expected !== undefined) expect(line.level, `${name}: ${raw}`).to.equal(expected);
      }
    }
  });
});
