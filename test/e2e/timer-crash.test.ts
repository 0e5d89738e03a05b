import { setTimeout as delay } from "node:timers/promises";
import { expect } from "chai";
import {
  AcknowledgementTimeoutOutcome as Outcome,
  PagerService,
} from "../../gen/pager/v1/pager_service_pb.js";
import { TimerService, TimerState } from "../../gen/timer/v1/timer_service_pb.js";
import { GrpcTestClient } from "../support/grpc-client.js";
import { eventually } from "../support/pager-harness.js";
import { scrapeOk } from "../support/scrape.js";
import { TEST_KEYS } from "../support/test-keys.js";
import { TimerSystem } from "../support/timer-system.js";

/**
 * Crashes on either side of the callback contract, with real processes and
 * SIGKILL: no shutdown code runs, claims and unsent rows stay as they were.
 * The watchdog is kept out of the way (a ten-minute grace), so what
 * recovers the timers here is the timer service's lease and the pager's
 * outbox, nothing else. The last test uses the same outage to plant a timer
 * id the timer service then holds with other content.
 */
describe("pager and timer service killed (SIGKILL, real child processes)", () => {
  let sys: TimerSystem;

  before(async () => {
    sys = await TimerSystem.create({ pagerEnv: { PAGER_TIMER_WATCHDOG_GRACE_MS: "600000" } });
    await Promise.all([sys.startTimer(), sys.startPager()]);
  });
  after(async () => {
    await sys?.stop();
  });

  it("timer service killed while timers are due: after its restart every escalation happens exactly once", async () => {
    const services = await Promise.all(
      Array.from({ length: 10 }, () => sys.serviceWithDelays([1, 1, 1])),
    );
    const release = sys.holdCallbacks();
    const alertIds = await Promise.all(services.map((id) => sys.alert(id)));
    while (sys.callbacks().length < 5) await delay(5);
    await sys.replicas[0]?.kill("SIGKILL");
    const { rows } = await sys.sql.query(
      `SELECT count(*)::int AS n FROM timer.timers
        WHERE state IN ('scheduled', 'firing') AND next_attempt_time <= now()`,
    );
    expect(rows[0].n, "timers due with no replica running").to.be.at.least(5);
    // The held callbacks reach the pager after all: their caller died before it heard OK.
    release();
    await delay(1000);
    await sys.startTimer();
    await eventually(async () => {
      for (const alertId of alertIds) {
        const outcomes = sys.callbacks(alertId).map((c) => [c.level, c.outcome]);
        expect(outcomes, alertId).to.deep.include([2, Outcome.IGNORED_LAST_LEVEL]);
      }
    }, 20_000);
    for (const alertId of alertIds) {
      const escalations = sys
        .callbacks(alertId)
        .filter((c) => c.outcome === Outcome.ESCALATED)
        .map((c) => c.level);
      expect(escalations, alertId).to.deep.equal([0, 1]);
      expect(await sys.pagedLevels(alertId)).to.deep.equal([0, 1, 2]);
    }
    const redelivered = sys.callbacks().filter((c) => c.outcome === Outcome.IGNORED_STALE);
    expect(
      redelivered.length,
      "callbacks the dead replica never heard OK for, sent again",
    ).to.be.above(0);
  });

  it("pager killed between commit and SetTimer: after its restart the timer still arrives", async () => {
    await sys.replicas[0]?.kill("SIGKILL");
    const alertId = await sys.alert(await sys.serviceWithDelays([1, 60]));
    await eventually(async () => {
      const { rows } = await sys.sql.query(
        "SELECT attempts, delivered_time FROM ack_timers WHERE alert_id = $1 AND level = 0",
        [alertId],
      );
      expect(rows[0]?.delivered_time).to.equal(null);
      expect(rows[0]?.attempts).to.be.greaterThan(0);
    });
    const down = await scrapeOk(sys.pagerEndpoint, TEST_KEYS.admin);
    expect(
      down.value("pager_timer_relay_failures_total"),
      "the outage shows in metrics",
    ).to.be.above(0);
    await sys.pager?.kill("SIGKILL");
    await sys.startTimer();
    await sys.startPager();
    await eventually(async () => {
      expect(sys.callbacks(alertId).map((c) => c.outcome)).to.deep.equal([Outcome.ESCALATED]);
    }, 15_000);
    expect(await sys.pagedLevels(alertId)).to.deep.equal([0, 1]);
    const { timer } = await sys.timers.call(TimerService.method.getTimer, {
      timerId: `pager-ack-${alertId}-0-0`,
    });
    expect(timer?.state).to.be.oneOf([TimerState.FIRED, TimerState.FIRING]);
  });

  it("a timer id the timer service holds with other content: the pager arms the next step's id", async () => {
    await sys.replicas[0]?.kill("SIGKILL");
    const alertId = await sys.alert(await sys.serviceWithDelays([1, 60]));
    const taken = `pager-ack-${alertId}-0-0`;
    // Whatever left it there (an old callback address, a bug), it is not this timer.
    await sys.sql.query(
      `INSERT INTO timer.timers (timer_id, fire_time, endpoint, method, request, state,
                                 create_time, update_time)
       VALUES ($1, now(), 'elsewhere:1', 'a.B/C', '', 'cancelled', now(), now())`,
      [taken],
    );
    await sys.startTimer();
    await eventually(async () => {
      expect(sys.callbacks(alertId).map((c) => c.outcome)).to.deep.equal([Outcome.ESCALATED]);
    }, 15_000);
    const { timer } = await sys.timers.call(TimerService.method.getTimer, {
      timerId: `pager-ack-${alertId}-0-1`,
    });
    expect(timer?.state).to.be.oneOf([TimerState.FIRED, TimerState.FIRING]);
    const warned = sys.pager?.logs().filter((line) => line.timer_id === taken);
    expect(warned?.map((line) => line.msg)).to.deep.equal([
      "timer id taken at the timer service with other content; arming under the next id",
    ]);
  });

  it("a callback that comes before the pager could cancel its own timer: the cancellation still reaches the timer service", async () => {
    const alertId = await sys.alert(await sys.serviceWithDelays([60, 60]));
    const own = `pager-ack-${alertId}-0-0`;
    await eventually(async () => {
      const { timer } = await sys.timers.call(TimerService.method.getTimer, { timerId: own });
      expect(timer?.state).to.equal(TimerState.SCHEDULED);
    });
    await sys.replicas[0]?.kill("SIGKILL");
    await sys.client.call(PagerService.method.acknowledgeAlert, { alertId, acknowledgedBy: "ana" });
    // Another timer for the same step (an operator's, an old one) calls back while the
    // cancellation of the pager's own timer is still owed to the timer service.
    const otherTimer = new GrpcTestClient(sys.pagerEndpoint, TEST_KEYS.timerCallback);
    try {
      const { outcome } = await otherTimer.call(PagerService.method.handleAcknowledgementTimeout, {
        alertId,
        level: 0,
      });
      expect(outcome).to.equal(Outcome.IGNORED_ACKNOWLEDGED);
    } finally {
      otherTimer.close();
    }
    const owed = await sys.sql.query(
      "SELECT 1 FROM ack_timers WHERE alert_id = $1 AND cancel_time IS NOT NULL",
      [alertId],
    );
    expect(owed.rowCount, "the cancellation still owed is kept for the relay").to.equal(1);
    await sys.startTimer();
    await eventually(async () => {
      const { timer } = await sys.timers.call(TimerService.method.getTimer, { timerId: own });
      expect(timer?.state).to.equal(TimerState.CANCELLED);
      const left = await sys.sql.query("SELECT 1 FROM ack_timers WHERE alert_id = $1", [alertId]);
      expect(left.rowCount).to.equal(0);
    }, 15_000);
    expect(await sys.pagedLevels(alertId)).to.deep.equal([0]);
  });
});
