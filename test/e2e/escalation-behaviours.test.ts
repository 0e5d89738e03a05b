import { expect } from "chai";
import { IgnoredTimeoutReason } from "../../gen/pager/v1/alert_event_pb.js";
import { MonitoredServiceHealth } from "../../gen/pager/v1/monitored_service_pb.js";
import {
  AcknowledgementTimeoutOutcome,
  PagerService,
  SendAlertOutcome,
} from "../../gen/pager/v1/pager_service_pb.js";
import {
  AlertState,
  createServiceWithPolicy,
  NotificationState,
  notificationsOf,
  pageSummary,
  timersOf,
} from "../support/pager-fixtures.js";
import { eventually, type PagerHarness, startPagerHarness } from "../support/pager-harness.js";

const { method } = PagerService;

describe("the five escalation behaviours (real server, real PostgreSQL, grpc-js)", () => {
  let h: PagerHarness;
  before(async () => {
    // This suite plays the timer service: it calls HandleAcknowledgementTimeout itself.
    h = await startPagerHarness({ PAGER_TIMER_WORKER: "off" });
  });
  after(async () => {
    await h?.stop();
  });

  async function triggered() {
    const { service } = await createServiceWithPolicy(h.client);
    const { alert, outcome } = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "disk full",
    });
    if (alert === undefined) throw new Error("no alert");
    return { service, alert, outcome };
  }

  /** The timer callback, once the delay of either level (60 s, 120 s) has run out. */
  async function timeout(alertId: string, level: number) {
    h.clock.advance(120_000);
    return h.client.call(method.handleAcknowledgementTimeout, { alertId, level });
  }

  it("1. healthy + alert: service unhealthy, level-0 targets paged and delivered, timer armed", async () => {
    const before = h.clock.now().getTime();
    const { service, alert, outcome } = await triggered();
    expect(outcome).to.equal(SendAlertOutcome.CREATED);
    expect(alert).to.include({
      state: AlertState.TRIGGERED,
      currentLevel: 0,
      message: "disk full",
    });
    const { monitoredService } = await h.client.call(method.getMonitoredService, {
      monitoredServiceId: service.id,
    });
    expect(monitoredService).to.include({
      health: MonitoredServiceHealth.UNHEALTHY,
      activeAlertId: alert.id,
    });
    const sent = await eventually(async () => {
      const pages = await notificationsOf(h.client, alert.id);
      expect(pages.map((n) => n.state)).to.deep.equal([NotificationState.SENT]);
      return pages;
    });
    expect(pageSummary(sent)).to.deep.equal(["0:email"]);
    expect(sent[0]?.attempts).to.equal(1);
    const timers = await timersOf(h, alert.id);
    expect(timers.map((t) => t.level)).to.deep.equal([0]);
    const fireIn = (timers[0]?.fire_time.getTime() ?? 0) - before;
    expect(fireIn).to.be.within(60_000, 60_000 + 5_000);
  });

  it("2. unacknowledged + timeout: next level paged, new timer armed", async () => {
    const { alert } = await triggered();
    const escalated = await timeout(alert.id, 0);
    expect(escalated.outcome).to.equal(AcknowledgementTimeoutOutcome.ESCALATED);
    expect(escalated.alert?.currentLevel).to.equal(1);
    const pages = await eventually(async () => {
      const all = await notificationsOf(h.client, alert.id);
      expect(all.every((n) => n.state === NotificationState.SENT)).to.equal(true);
      return all;
    });
    expect(pageSummary(pages)).to.deep.equal(["0:email", "1:sms", "1:webhook"]);
    expect((await timersOf(h, alert.id)).map((t) => t.level)).to.deep.equal([1]);
    const last = await timeout(alert.id, 1);
    expect(last.outcome).to.equal(AcknowledgementTimeoutOutcome.IGNORED_LAST_LEVEL);
    expect(await timersOf(h, alert.id)).to.deep.equal([]);
    expect(await notificationsOf(h.client, alert.id)).to.have.length(3);
  });

  it("3. acknowledged + timeout: nobody paged, no timer", async () => {
    const { alert } = await triggered();
    const { alert: acked } = await h.client.call(method.acknowledgeAlert, {
      alertId: alert.id,
      acknowledgedBy: "ana",
    });
    expect(acked).to.include({ state: AlertState.ACKNOWLEDGED, acknowledgedBy: "ana" });
    expect(await timersOf(h, alert.id)).to.deep.equal([]);
    const again = await h.client.call(method.acknowledgeAlert, {
      alertId: alert.id,
      acknowledgedBy: "bob",
    });
    expect(again.alert?.acknowledgedBy).to.equal("ana");
    expect(again.alert?.acknowledgeTime).to.deep.equal(acked?.acknowledgeTime);
    const late = await timeout(alert.id, 0);
    expect(late.outcome).to.equal(AcknowledgementTimeoutOutcome.IGNORED_ACKNOWLEDGED);
    expect(pageSummary(await notificationsOf(h.client, alert.id))).to.deep.equal(["0:email"]);
    expect(await timersOf(h, alert.id)).to.deep.equal([]);
  });

  it("4. unhealthy + another alert: suppressed, nobody paged, no new timer", async () => {
    const { service, alert } = await triggered();
    const second = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "still broken",
    });
    expect(second.outcome).to.equal(SendAlertOutcome.SUPPRESSED);
    expect(second.alert?.id).to.equal(alert.id);
    expect(second.alert?.message).to.equal("disk full");
    expect(pageSummary(await notificationsOf(h.client, alert.id))).to.deep.equal(["0:email"]);
    expect((await timersOf(h, alert.id)).map((t) => t.level)).to.deep.equal([0]);
    const { alerts } = await h.client.call(method.listAlerts, { monitoredServiceId: service.id });
    expect(alerts.map((a) => a.id)).to.deep.equal([alert.id]);
  });

  it("5. healthy event + timeout: service healthy, nobody paged, no timer", async () => {
    const { service, alert } = await triggered();
    const resolved = await h.client.call(method.resolveAlert, {
      subject: { case: "monitoredServiceId", value: service.id },
    });
    expect(resolved.alert).to.include({ id: alert.id, state: AlertState.RESOLVED });
    expect(resolved.monitoredService).to.include({
      health: MonitoredServiceHealth.HEALTHY,
      activeAlertId: "",
    });
    expect(await timersOf(h, alert.id)).to.deep.equal([]);
    const late = await timeout(alert.id, 0);
    expect(late.outcome).to.equal(AcknowledgementTimeoutOutcome.IGNORED_RESOLVED);
    expect(pageSummary(await notificationsOf(h.client, alert.id))).to.deep.equal(["0:email"]);
    const noop = await h.client.call(method.resolveAlert, {
      subject: { case: "monitoredServiceId", value: service.id },
    });
    expect(noop.alert).to.equal(undefined);
    expect(noop.monitoredService?.health).to.equal(MonitoredServiceHealth.HEALTHY);
    const byId = await h.client.call(method.resolveAlert, {
      subject: { case: "alertId", value: alert.id },
    });
    expect(byId.alert?.resolveTime).to.deep.equal(resolved.alert?.resolveTime);
    const next = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "broken again",
    });
    expect(next.outcome).to.equal(SendAlertOutcome.CREATED);
    expect(next.alert?.id).to.not.equal(alert.id);
  });

  it("a late duplicate callback for an already escalated level is IGNORED_STALE and pages nobody", async () => {
    const { alert } = await triggered();
    await timeout(alert.id, 0);
    const duplicate = await timeout(alert.id, 0);
    expect(duplicate.outcome).to.equal(AcknowledgementTimeoutOutcome.IGNORED_STALE);
    expect(await notificationsOf(h.client, alert.id)).to.have.length(3);
  });

  it("an early callback is IGNORED_NOT_DUE: nobody paged, the timer stays armed until it is due", async () => {
    const { alert } = await triggered();
    h.clock.advance(50_000);
    const early = await h.client.call(method.handleAcknowledgementTimeout, {
      alertId: alert.id,
      level: 0,
    });
    expect(early.outcome).to.equal(AcknowledgementTimeoutOutcome.IGNORED_NOT_DUE);
    expect(early.alert).to.include({ state: AlertState.TRIGGERED, currentLevel: 0 });
    expect(pageSummary(await notificationsOf(h.client, alert.id))).to.deep.equal(["0:email"]);
    expect((await timersOf(h, alert.id)).map((t) => t.level)).to.deep.equal([0]);
    const { events } = await h.client.call(method.listAlertEvents, { alertId: alert.id });
    const ignored = events.flatMap((e) =>
      e.kind.case === "timeoutIgnored" ? [[e.kind.value.level, e.kind.value.reason]] : [],
    );
    expect(ignored).to.deep.equal([[0, IgnoredTimeoutReason.NOT_DUE]]);
    // Within the clock-skew tolerance (5 s by default) of the 60 s delay: due.
    h.clock.advance(6_000);
    const due = await h.client.call(method.handleAcknowledgementTimeout, {
      alertId: alert.id,
      level: 0,
    });
    expect(due.outcome).to.equal(AcknowledgementTimeoutOutcome.ESCALATED);
    expect(pageSummary(await notificationsOf(h.client, alert.id))).to.deep.equal([
      "0:email",
      "1:sms",
      "1:webhook",
    ]);
  });
});

describe("the in-process timer worker", () => {
  let h: PagerHarness;
  before(async () => {
    h = await startPagerHarness();
  });
  after(async () => {
    await h?.stop();
  });

  it("2'. the timer worker escalates an unacknowledged alert by itself when the delay runs out", async () => {
    const { service } = await createServiceWithPolicy(h.client);
    const { alert } = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "disk full",
    });
    if (alert === undefined) throw new Error("no alert");
    h.clock.advance(61_000);
    const after = await eventually(async () => {
      const { alert: now } = await h.client.call(method.getAlert, { alertId: alert.id });
      expect(now?.currentLevel).to.equal(1);
      return now;
    });
    expect(after?.state).to.equal(AlertState.TRIGGERED);
    expect(pageSummary(await notificationsOf(h.client, alert.id))).to.deep.equal([
      "0:email",
      "1:sms",
      "1:webhook",
    ]);
    expect((await timersOf(h, alert.id)).map((t) => t.level)).to.deep.equal([1]);
  });
});
