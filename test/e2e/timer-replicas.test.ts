import { setTimeout as delay } from "node:timers/promises";
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { expect } from "chai";
import { EscalationPolicyService } from "../../gen/pager/v1/escalation_policy_pb.js";
import {
  HandleAcknowledgementTimeoutRequestSchema,
  PagerService,
} from "../../gen/pager/v1/pager_service_pb.js";
import { TimerService } from "../../gen/timer/v1/timer_service_pb.js";
import { mapConcurrently } from "../support/map-concurrently.js";
import { seconds, target, uniqueName } from "../support/pager-fixtures.js";
import { eventually } from "../support/pager-harness.js";
import { CALLBACK_METADATA, TIMEOUT_METHOD, TimerSystem } from "../support/timer-system.js";

const TIMERS = 1000;
const CLIENT_CONCURRENCY = 32;

/**
 * Two timer service replicas on one database share a burst: a thousand
 * timers due within the same second, each the acknowledgement timeout of
 * its own alert. Claims with SKIP LOCKED must hand each timer to exactly one
 * replica, and the pager must see each callback, and escalate each alert,
 * once. The pager's own timer relay is off, so these are the only timers.
 * The callbacks go straight to the pager (no recording proxy: a burst costs
 * enough CPU as it is); its one log line per RPC counts them.
 */
describe("two timer service replicas, a thousand timers due in the same second", () => {
  let sys: TimerSystem;

  before(async () => {
    sys = await TimerSystem.create({
      replicas: 2,
      pagerEnv: {
        PAGER_TIMER_WORKER: "off",
        PAGER_DISPATCHER: "off",
        PAGER_DB_POOL_SIZE: "30",
        PAGER_LOG_LEVEL: "info",
      },
      // A deadline that a callback queued behind a thousand others at one pager can meet:
      // a deadline exceeded is retried, and the retry would be a second delivery.
      timerEnv: {
        TIMER_BATCH_SIZE: "25",
        TIMER_MAX_IN_FLIGHT: "50",
        TIMER_CALLBACK_DEADLINE_MS: "10000",
        TIMER_LEASE_MS: "20000",
        TIMER_LOG_LEVEL: "debug",
      },
    });
    await Promise.all([sys.startTimer(0), sys.startTimer(1), sys.startPager()]);
  });
  after(async () => {
    await sys?.stop();
  });

  it("delivers every callback once, loses none, and the pager escalates each alert once", async function () {
    // A thousand services, alerts and timers are set up first: minutes on a busy machine.
    this.timeout(300_000);
    const tag = uniqueName("burst");
    const { escalationPolicy } = await sys.client.call(
      EscalationPolicyService.method.createEscalationPolicy,
      {
        name: tag,
        levels: [0, 1].map((level) => ({
          targets: [target.email(`${tag}-${level}@example.com`)],
          // Due before the timers below fire, so every callback escalates.
          ackTimeout: seconds(1),
        })),
      },
    );
    const alertIds = await mapConcurrently(
      Array.from({ length: TIMERS }, (_, i) => i),
      CLIENT_CONCURRENCY,
      async (i) => {
        const { monitoredService } = await sys.client.call(
          PagerService.method.createMonitoredService,
          { name: `${tag}-${i}`, escalationPolicyId: escalationPolicy?.id ?? "" },
        );
        return sys.alert(monitoredService?.id ?? "");
      },
    );
    // Far enough ahead for the SetTimers below (about 300 a second here), so that the burst
    // really comes due within one second rather than while it is still being set.
    const firstDue = Date.now() + 5000;
    await mapConcurrently(alertIds, CLIENT_CONCURRENCY, (alertId, i) =>
      sys.timers.call(TimerService.method.setTimer, {
        timerId: `${tag}-${i}`,
        schedule: {
          case: "fireTime",
          value: timestampFromMs(firstDue + Math.floor((i * 1000) / TIMERS)),
        },
        callback: {
          endpoint: sys.pagerEndpoint,
          method: TIMEOUT_METHOD,
          request: toBinary(
            HandleAcknowledgementTimeoutRequestSchema,
            create(HandleAcknowledgementTimeoutRequestSchema, { alertId, level: 0 }),
          ),
          metadata: CALLBACK_METADATA,
        },
      }),
    );

    const callbacks = () =>
      sys.pager?.logs().filter((line) => line.rpc === TIMEOUT_METHOD && line.code === "ok") ?? [];
    await eventually(async () => expect(callbacks()).to.have.length(TIMERS), 30_000);
    await delay(1000);
    expect(callbacks(), "callbacks the pager answered").to.have.length(TIMERS);
    const { rows } = await sys.sql.query<{ state: string; attempts: number; n: number }>(
      `SELECT state, attempts, count(*)::int AS n FROM timer.timers
        WHERE timer_id LIKE $1 GROUP BY state, attempts`,
      [`${tag}-%`],
    );
    expect(rows).to.deep.equal([{ state: "fired", attempts: 1, n: TIMERS }]);
    const pages = await sys.sql.query<{ level: number; n: number }>(
      `SELECT level, count(*)::int AS n FROM notifications
        WHERE alert_id = ANY($1) GROUP BY level ORDER BY level`,
      [alertIds],
    );
    expect(pages.rows).to.deep.equal([
      { level: 0, n: TIMERS },
      { level: 1, n: TIMERS },
    ]);
    const levels = await sys.sql.query<{ current_level: number; n: number }>(
      "SELECT current_level, count(*)::int AS n FROM alerts WHERE id = ANY($1) GROUP BY 1",
      [alertIds],
    );
    expect(levels.rows).to.deep.equal([{ current_level: 1, n: TIMERS }]);
    const firedBy = sys.replicas.map(
      (replica) => replica?.logs().filter((line) => line.msg === "timer fired").length ?? 0,
    );
    expect(firedBy.reduce((a, b) => a + b, 0)).to.equal(TIMERS);
    expect(Math.min(...firedBy), `fired per replica: ${firedBy}`).to.be.above(0);
  });
});
