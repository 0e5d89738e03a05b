import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { expect } from "chai";
import {
  HandleAcknowledgementTimeoutRequestSchema,
  AcknowledgementTimeoutOutcome as Outcome,
  PagerService,
} from "../../gen/pager/v1/pager_service_pb.js";
import { TimerService, TimerState } from "../../gen/timer/v1/timer_service_pb.js";
import { uniqueName } from "../support/pager-fixtures.js";
import { eventually } from "../support/pager-harness.js";
import { TEST_KEYS } from "../support/test-keys.js";
import { CALLBACK_METADATA, TIMEOUT_METHOD, TimerSystem } from "../support/timer-system.js";

const { method } = PagerService;

/**
 * Pager and timer service as two processes on one PostgreSQL, the test as a
 * third: escalations run on the timer service's callbacks alone, and every
 * callback that arrives late, twice or after the alert moved on is answered
 * OK with its IGNORED_* outcome and pages nobody.
 */
describe("pager + timer service as separate processes", () => {
  let sys: TimerSystem;

  before(async () => {
    sys = await TimerSystem.create({
      pagerEnv: {
        PAGER_TIMER_WATCHDOG_GRACE_MS: "2000",
        // The test's own callbacks for 60 s levels come within a second: a clock a minute ahead.
        PAGER_TIMER_TOLERANCE_MS: "60000",
      },
    });
    await Promise.all([sys.startTimer(), sys.startPager()]);
  });
  after(async () => {
    await sys?.stop();
  });

  /**
   * What the timer service would send for (alert, level), delivered at `inMs`
   * by a timer of ours, carrying `metadata` (the pager's own credential).
   */
  async function callbackIn(
    alertId: string,
    level: number,
    inMs: number,
    metadata: Record<string, string> = CALLBACK_METADATA,
  ) {
    const timerId = uniqueName("test-callback");
    const request = create(HandleAcknowledgementTimeoutRequestSchema, { alertId, level });
    await sys.timers.call(TimerService.method.setTimer, {
      timerId,
      schedule: { case: "fireTime", value: timestampFromMs(Date.now() + inMs) },
      callback: {
        endpoint: sys.proxy.endpoint,
        method: TIMEOUT_METHOD,
        request: toBinary(HandleAcknowledgementTimeoutRequestSchema, request),
        metadata,
      },
    });
    return timerId;
  }

  async function timerState(timerId: string) {
    const { timer } = await sys.timers.call(TimerService.method.getTimer, { timerId });
    return timer?.state;
  }

  it("an unacknowledged alert escalates through every level, one second apart, on callbacks alone", async () => {
    const alertId = await sys.alert(await sys.serviceWithDelays([1, 1, 1]));
    await eventually(async () => {
      expect(sys.callbacks(alertId).map((c) => c.outcome)).to.deep.equal([
        Outcome.ESCALATED,
        Outcome.ESCALATED,
        Outcome.IGNORED_LAST_LEVEL,
      ]);
    }, 8000);
    expect(await sys.pagedLevels(alertId)).to.deep.equal([0, 1, 2]);
    const { rows } = await sys.sql.query<{ level: number; create_time: Date }>(
      "SELECT level, create_time FROM notifications WHERE alert_id = $1 ORDER BY level",
      [alertId],
    );
    const times = rows.map((row) => row.create_time.getTime());
    for (let level = 1; level < times.length; level++) {
      const gap = (times[level] ?? 0) - (times[level - 1] ?? 0);
      expect(gap, `level ${level - 1} → ${level}`).to.be.within(1000, 2000);
    }
    const { alert } = await sys.client.call(method.getAlert, { alertId });
    expect(alert?.currentLevel).to.equal(2);
    const left = await sys.sql.query("SELECT 1 FROM ack_timers WHERE alert_id = $1", [alertId]);
    expect(left.rowCount).to.equal(0);
  });

  it("a callback twice at once, then late: one escalation, then IGNORED_STALE, nobody paged again", async () => {
    const alertId = await sys.alert(await sys.serviceWithDelays([60, 60]));
    const twins = await Promise.all([callbackIn(alertId, 0, 200), callbackIn(alertId, 0, 200)]);
    await eventually(async () => {
      expect(
        sys
          .callbacks(alertId)
          .map((c) => c.outcome)
          .sort(),
      ).to.deep.equal([Outcome.ESCALATED, Outcome.IGNORED_STALE]);
    });
    const late = await callbackIn(alertId, 0, 0);
    await eventually(async () => {
      expect(
        sys
          .callbacks(alertId)
          .map((c) => c.outcome)
          .slice(2),
      ).to.deep.equal([Outcome.IGNORED_STALE]);
    });
    await eventually(async () => {
      for (const timerId of [...twins, late]) {
        expect(await timerState(timerId)).to.equal(TimerState.FIRED);
      }
    });
    expect(await sys.pagedLevels(alertId)).to.deep.equal([0, 1]);
  });

  it("after acknowledgement and after resolution: IGNORED_*, no page, and the pager's own timer is cancelled", async () => {
    const acked = await sys.alert(await sys.serviceWithDelays([60, 60]));
    const resolvedServiceId = await sys.serviceWithDelays([60, 60]);
    const resolved = await sys.alert(resolvedServiceId);
    const armed = async (alertId: string) => {
      const timerId = `pager-ack-${alertId}-0-0`;
      await eventually(async () =>
        expect(await timerState(timerId)).to.equal(TimerState.SCHEDULED),
      );
      return timerId;
    };
    const [ackedTimer, resolvedTimer] = await Promise.all([armed(acked), armed(resolved)]);
    await sys.client.call(method.acknowledgeAlert, { alertId: acked, acknowledgedBy: "ana" });
    await sys.client.call(method.resolveAlert, {
      subject: { case: "monitoredServiceId", value: resolvedServiceId },
    });
    await Promise.all([callbackIn(acked, 0, 0), callbackIn(resolved, 0, 0)]);
    await eventually(async () => {
      expect(sys.callbacks(acked).map((c) => c.outcome)).to.deep.equal([
        Outcome.IGNORED_ACKNOWLEDGED,
      ]);
      expect(sys.callbacks(resolved).map((c) => c.outcome)).to.deep.equal([
        Outcome.IGNORED_RESOLVED,
      ]);
    });
    expect(await sys.pagedLevels(acked)).to.deep.equal([0]);
    expect(await sys.pagedLevels(resolved)).to.deep.equal([0]);
    await eventually(async () => {
      expect(await timerState(ackedTimer)).to.equal(TimerState.CANCELLED);
      expect(await timerState(resolvedTimer)).to.equal(TimerState.CANCELLED);
      const { rowCount } = await sys.sql.query(
        "SELECT 1 FROM ack_timers WHERE alert_id = ANY($1)",
        [[acked, resolved]],
      );
      expect(rowCount).to.equal(0);
    });
  });

  it("the pager's timers carry its timer-role key; a callback without it, or with another key, is refused and pages nobody", async () => {
    const alertId = await sys.alert(await sys.serviceWithDelays([60, 60]));
    const armed = `pager-ack-${alertId}-0-0`;
    await eventually(async () => expect(await timerState(armed)).to.equal(TimerState.SCHEDULED));
    const { timer } = await sys.timers.call(TimerService.method.getTimer, { timerId: armed });
    expect(timer?.callback?.metadata, "never shown back").to.deep.equal({});
    const stored = await sys.sql.query<{ metadata: Record<string, string> }>(
      "SELECT metadata FROM timer.timers WHERE timer_id = $1",
      [armed],
    );
    expect(stored.rows[0]?.metadata).to.deep.equal(CALLBACK_METADATA);

    const forged = [
      await callbackIn(alertId, 0, 0, {}),
      await callbackIn(alertId, 0, 0, { authorization: `Bearer ${TEST_KEYS.timerService}` }),
    ];
    for (const timerId of forged) {
      const failed = await eventually(async () => {
        const { timer: t } = await sys.timers.call(TimerService.method.getTimer, { timerId });
        expect(t?.state).to.equal(TimerState.FAILED);
        return t;
      });
      expect(failed?.lastError).to.match(/^UNAUTHENTICATED: a valid API key is required/);
    }
    expect(await sys.pagedLevels(alertId)).to.deep.equal([0]);
    const { alert } = await sys.client.call(method.getAlert, { alertId });
    expect(alert?.currentLevel).to.equal(0);
  });

  it("the watchdog re-arms a timer the timer service lost, logs it, and the alert escalates", async () => {
    const alertId = await sys.alert(await sys.serviceWithDelays([1, 60]));
    const lost = `pager-ack-${alertId}-0-0`;
    await eventually(async () => expect(await timerState(lost)).to.equal(TimerState.SCHEDULED));
    // The timer service forgets it (a restore from backup, an operator's mistake).
    await sys.sql.query("DELETE FROM timer.timers WHERE timer_id = $1", [lost]);
    await eventually(async () => {
      expect(sys.callbacks(alertId).map((c) => c.outcome)).to.deep.equal([Outcome.ESCALATED]);
    }, 8000);
    const rearmed = `pager-ack-${alertId}-0-1`;
    await eventually(async () => expect(await timerState(rearmed)).to.equal(TimerState.FIRED));
    expect(await sys.pagedLevels(alertId)).to.deep.equal([0, 1]);
    const logged = sys.pager
      ?.logs()
      .filter((line) => line.msg === "acknowledgement timer overdue with no callback; re-armed it");
    expect(logged?.map((line) => [line.alert_id, line.timer_id])).to.deep.equal([
      [alertId, rearmed],
    ]);
  });
});
