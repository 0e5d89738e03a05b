import { expect } from "chai";
import type { Actor } from "../../src/pager/domain/actor.js";
import {
  acknowledgeAlert,
  handleAcknowledgementTimeout,
  resolveAlert,
  triggerAlert,
} from "../../src/pager/domain/escalation.js";
import { type Notification, retryFailedNotification } from "../../src/pager/domain/notification.js";
import { DomainError } from "../../src/platform/errors/domain-error.js";
import {
  EMAIL,
  HOOK,
  healthy,
  ids,
  KEY,
  LATER,
  policy,
  SMS,
  T0,
  TIMER,
} from "../support/escalation-fixtures.js";

const LINK: Actor = { kind: "acknowledgement-link", name: "a@x.io" };

/** The decision that created alert "alert" on the healthy service, at T0, by KEY. */
function created() {
  return triggerAlert({ service: healthy, activeAlert: null }, policy, {
    alertId: "alert",
    message: "down",
    details: {},
    dedupKey: "",
    now: T0,
    actor: KEY,
    newId: ids(),
  });
}

/** What the timeline of each decision says, independent of storage. */
describe("timeline entries decided with each change", () => {
  it("a new alert records its trigger, then one queued page per target, by the caller", () => {
    const d = created();
    expect(d.events).to.deep.equal([
      {
        alertId: "alert",
        monitoredServiceId: "svc",
        createTime: T0,
        actor: KEY,
        detail: { kind: "triggered", message: "down" },
      },
      {
        alertId: "alert",
        monitoredServiceId: "svc",
        createTime: T0,
        actor: KEY,
        detail: { kind: "page-queued", notificationId: "n1", level: 0, target: EMAIL },
      },
    ]);
    expect(d.pages.map((page) => page.id)).to.deep.equal(["n1"]);
  });

  it("each suppressed signal counts on from the last and records what it said", () => {
    const { alert, service } = created();
    const second = triggerAlert({ service, activeAlert: alert }, policy, {
      alertId: "unused",
      message: "still down",
      details: {},
      dedupKey: "",
      now: LATER,
      actor: KEY,
      newId: ids(),
    });
    const third = triggerAlert({ service, activeAlert: second.alert }, policy, {
      alertId: "unused",
      message: "and again",
      details: {},
      dedupKey: "",
      now: LATER,
      actor: KEY,
      newId: ids(),
    });
    expect(third.alert).to.include({ id: "alert", signalCount: 3, message: "down" });
    expect(third.events.map((e) => e.detail)).to.deep.equal([
      { kind: "signal-suppressed", signalCount: 3, message: "and again" },
    ]);
  });

  it("an escalation records the move, then each page of the next level under its own id", () => {
    const { alert, service } = created();
    const d = handleAcknowledgementTimeout(alert, service, {
      level: 0,
      now: LATER,
      toleranceMs: 0,
      actor: TIMER,
      newId: ids(),
    });
    expect(d.events.map((e) => e.detail)).to.deep.equal([
      { kind: "escalated", fromLevel: 0, toLevel: 1 },
      { kind: "page-queued", notificationId: "n1", level: 1, target: SMS },
      { kind: "page-queued", notificationId: "n2", level: 1, target: HOOK },
    ]);
    expect(d.events.every((e) => e.actor === TIMER && e.createTime === LATER)).to.equal(true);
  });

  it("an acknowledgement records who took it and through what; a repeat records nothing", () => {
    const { alert, service } = created();
    const d = acknowledgeAlert(alert, service, {
      acknowledgedBy: "a@x.io",
      now: LATER,
      actor: LINK,
    });
    expect(d.events).to.have.length(1);
    expect(d.events[0]).to.deep.include({
      actor: LINK,
      detail: { kind: "acknowledged", acknowledgedBy: "a@x.io" },
    });
    const again = acknowledgeAlert(d.alert, service, {
      acknowledgedBy: "bob",
      now: LATER,
      actor: KEY,
    });
    expect(again.events).to.deep.equal([]);
  });

  it("a resolution says whether the healthy event or a resolve by id closed it; a repeat records nothing", () => {
    const { alert, service } = created();
    for (const healthyEvent of [true, false]) {
      const d = resolveAlert(alert, service, { now: LATER, actor: KEY, healthyEvent });
      expect(d.events.map((e) => e.detail)).to.deep.equal([{ kind: "resolved", healthyEvent }]);
    }
    const resolved = resolveAlert(alert, service, { now: LATER, actor: KEY, healthyEvent: true });
    const again = resolveAlert(resolved.alert, resolved.service, {
      now: LATER,
      actor: KEY,
      healthyEvent: true,
    });
    expect(again.changed).to.equal(false);
    expect(again.events).to.deep.equal([]);
  });

  it("a retry of a failed page records the page and who retried it; other pages are refused", () => {
    const failed: Notification = {
      id: "n1",
      alertId: "alert",
      level: 1,
      target: HOOK,
      state: "failed",
      attempts: 5,
      lastError: "HTTP 503",
      createTime: T0,
      sendTime: null,
      providerMessageId: "",
    };
    const alert = { id: "alert", monitoredServiceId: "svc" };
    expect(retryFailedNotification(failed, alert, { actor: KEY, now: LATER })).to.deep.equal({
      alertId: "alert",
      monitoredServiceId: "svc",
      createTime: LATER,
      actor: KEY,
      detail: { kind: "notification-retried", notificationId: "n1", level: 1, target: HOOK },
    });
    expect(() =>
      retryFailedNotification({ ...failed, state: "sent" }, alert, { actor: KEY, now: LATER }),
    )
      .to.throw(DomainError)
      .with.property("kind", "failed-precondition");
  });
});
