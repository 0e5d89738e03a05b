import { expect } from "chai";
import type { Alert, AlertState } from "../../src/pager/domain/alert.js";
import {
  acknowledgeAlert,
  handleAcknowledgementTimeout,
  resolveAlert,
  type TimeoutOutcome,
  triggerAlert,
  validateLevelIndex,
} from "../../src/pager/domain/escalation.js";
import type { EscalationPolicy } from "../../src/pager/domain/escalation-policy.js";
import type { MonitoredService } from "../../src/pager/domain/monitored-service.js";
import { DomainError } from "../../src/platform/errors/domain-error.js";

const T0 = new Date("2026-11-27T10:00:00Z");
const LATER = new Date("2026-11-27T10:05:00Z");

const policy: EscalationPolicy = {
  id: "policy",
  name: "web",
  levels: [
    { targets: [{ kind: "email", address: "a@x.io" }], ackTimeoutMs: 60_000 },
    {
      targets: [
        { kind: "sms", phoneNumber: "+14155550123" },
        { kind: "webhook", url: "https://hooks.x.io/p" },
      ],
      ackTimeoutMs: 120_000,
    },
  ],
  createTime: T0,
  updateTime: T0,
};

const healthy: MonitoredService = {
  id: "svc",
  name: "web",
  escalationPolicyId: "policy",
  health: "healthy",
  activeAlertId: null,
  createTime: T0,
  updateTime: T0,
};

function alertIn(state: AlertState, currentLevel = 0): Alert {
  return {
    id: "alert",
    monitoredServiceId: "svc",
    escalationPolicyId: "policy",
    message: "down",
    details: {},
    dedupKey: "",
    state,
    currentLevel,
    acknowledgedBy: state === "acknowledged" ? "first" : "",
    levels: policy.levels,
    createTime: T0,
    acknowledgeTime: state === "acknowledged" ? T0 : null,
    resolveTime: state === "resolved" ? T0 : null,
  };
}

function serviceFor(alert: Alert): MonitoredService {
  return alert.state === "resolved"
    ? healthy
    : { ...healthy, health: "unhealthy", activeAlertId: alert.id };
}

describe("escalation state machine", () => {
  describe("alert arrives", () => {
    it("healthy service: turns unhealthy, pages level 0, arms its timer (behaviour 1)", () => {
      const d = triggerAlert({ service: healthy, activeAlert: null }, policy, {
        alertId: "new",
        message: "down",
        details: { severity: "critical" },
        dedupKey: "srv01/mysql",
        now: T0,
      });
      expect(d.outcome).to.equal("created");
      expect(d.service).to.include({ health: "unhealthy", activeAlertId: "new" });
      expect(d.alert).to.include({ id: "new", state: "triggered", currentLevel: 0 });
      expect(d.alert).to.deep.include({
        details: { severity: "critical" },
        dedupKey: "srv01/mysql",
      });
      expect(d.alert.levels).to.deep.equal(policy.levels);
      expect(d.pages).to.deep.equal([{ level: 0, target: { kind: "email", address: "a@x.io" } }]);
      expect(d.timer).to.deep.equal({
        alertId: "new",
        level: 0,
        fireTime: new Date(T0.getTime() + 60_000),
      });
    });

    for (const state of ["triggered", "acknowledged"] as const) {
      it(`unhealthy service with a ${state} alert: suppressed, nobody paged (behaviour 4)`, () => {
        const active = alertIn(state);
        const d = triggerAlert({ service: serviceFor(active), activeAlert: active }, policy, {
          alertId: "new",
          message: "again",
          details: { severity: "info" },
          dedupKey: "other",
          now: LATER,
        });
        expect(d).to.deep.include({ outcome: "suppressed", alert: active, changed: false });
        expect(d.pages).to.be.empty;
        expect(d.timer).to.equal(null);
      });
    }
  });

  describe("acknowledgement timeout", () => {
    const table: { state: AlertState; at: number; level: number; outcome: TimeoutOutcome }[] = [
      { state: "triggered", at: 0, level: 0, outcome: "escalated" },
      { state: "triggered", at: 1, level: 1, outcome: "ignored-last-level" },
      { state: "triggered", at: 1, level: 0, outcome: "ignored-stale" },
      { state: "triggered", at: 0, level: 5, outcome: "ignored-stale" },
      { state: "acknowledged", at: 0, level: 0, outcome: "ignored-acknowledged" },
      { state: "acknowledged", at: 1, level: 0, outcome: "ignored-acknowledged" },
      { state: "acknowledged", at: 1, level: 1, outcome: "ignored-acknowledged" },
      { state: "resolved", at: 0, level: 0, outcome: "ignored-resolved" },
      { state: "resolved", at: 1, level: 0, outcome: "ignored-resolved" },
      { state: "resolved", at: 1, level: 1, outcome: "ignored-resolved" },
    ];
    for (const row of table) {
      it(`${row.state} at level ${row.at}, callback for level ${row.level} → ${row.outcome}`, () => {
        const alert = alertIn(row.state, row.at);
        const d = handleAcknowledgementTimeout(alert, serviceFor(alert), {
          level: row.level,
          now: LATER,
        });
        expect(d.outcome).to.equal(row.outcome);
        if (row.outcome === "escalated") return;
        expect(d.changed).to.equal(false);
        expect(d.alert).to.equal(alert);
        expect(d.pages).to.be.empty;
        expect(d.timer).to.equal(null);
      });
    }

    it("escalating pages every target of the next level and arms that level's timer (behaviour 2)", () => {
      const alert = alertIn("triggered", 0);
      const d = handleAcknowledgementTimeout(alert, serviceFor(alert), { level: 0, now: LATER });
      expect(d.alert.currentLevel).to.equal(1);
      expect(d.pages.map((p) => p.level)).to.deep.equal([1, 1]);
      expect(d.pages.map((p) => p.target)).to.deep.equal(policy.levels[1]?.targets);
      expect(d.timer).to.deep.equal({
        alertId: "alert",
        level: 1,
        fireTime: new Date(LATER.getTime() + 120_000),
      });
      expect(d.service).to.deep.equal(serviceFor(alert));
    });

    it("refuses a negative level before reading anything", () => {
      expect(() => validateLevelIndex(-1)).to.throw(DomainError, /level/);
      expect(validateLevelIndex(3)).to.equal(3);
    });
  });

  describe("acknowledgement", () => {
    it("triggered: acknowledged by the caller, timers cancelled, nobody paged (behaviour 3)", () => {
      const alert = alertIn("triggered");
      const d = acknowledgeAlert(alert, serviceFor(alert), { acknowledgedBy: "ana", now: LATER });
      expect(d.alert).to.include({ state: "acknowledged", acknowledgedBy: "ana" });
      expect(d.alert.acknowledgeTime).to.equal(LATER);
      expect(d.cancelTimers).to.equal(true);
      expect(d.pages).to.be.empty;
      expect(d.service.health).to.equal("unhealthy");
    });

    it("acknowledged: harmless, the first acknowledgement stays", () => {
      const alert = alertIn("acknowledged");
      const d = acknowledgeAlert(alert, serviceFor(alert), { acknowledgedBy: "bob", now: LATER });
      expect(d.changed).to.equal(false);
      expect(d.alert).to.include({ acknowledgedBy: "first", acknowledgeTime: T0 });
    });

    it("resolved: FAILED_PRECONDITION", () => {
      const alert = alertIn("resolved");
      expect(() => acknowledgeAlert(alert, healthy, { acknowledgedBy: "ana", now: LATER }))
        .to.throw(DomainError)
        .with.property("kind", "failed-precondition");
    });
  });

  describe("healthy event", () => {
    for (const state of ["triggered", "acknowledged"] as const) {
      it(`${state}: alert resolved, service healthy, timers cancelled (behaviour 5)`, () => {
        const alert = alertIn(state);
        const d = resolveAlert(alert, serviceFor(alert), LATER);
        expect(d.alert).to.include({ state: "resolved", resolveTime: LATER });
        expect(d.service).to.include({ health: "healthy", activeAlertId: null });
        expect(d.cancelTimers).to.equal(true);
        expect(d.pages).to.be.empty;
      });
    }

    it("resolved alert: a no-op", () => {
      const alert = alertIn("resolved");
      const d = resolveAlert(alert, healthy, LATER);
      expect(d.changed).to.equal(false);
      expect(d.alert.resolveTime).to.equal(T0);
    });

    it("an old resolved alert never turns healthy a service with a newer incident", () => {
      const old = alertIn("resolved");
      const busy: MonitoredService = { ...healthy, health: "unhealthy", activeAlertId: "newer" };
      const d = resolveAlert(old, busy, LATER);
      expect(d.changed).to.equal(false);
      expect(d.service).to.equal(busy);
    });
  });
});
