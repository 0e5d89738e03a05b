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
import type { MonitoredService } from "../../src/pager/domain/monitored-service.js";
import { DomainError } from "../../src/platform/errors/domain-error.js";
import { healthy, ids, KEY, LATER, policy, T0, TIMER } from "../support/escalation-fixtures.js";

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
    levelStartTime: T0,
    acknowledgedBy: state === "acknowledged" ? "first" : "",
    levels: policy.levels,
    createTime: T0,
    acknowledgeTime: state === "acknowledged" ? T0 : null,
    resolveTime: state === "resolved" ? T0 : null,
    signalCount: 1,
    lastSignalTime: T0,
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
        actor: KEY,
        newId: ids(),
      });
      expect(d.outcome).to.equal("created");
      expect(d.alert).to.include({ signalCount: 1, lastSignalTime: T0 });
      expect(d.service).to.include({ health: "unhealthy", activeAlertId: "new" });
      expect(d.alert).to.include({ id: "new", state: "triggered", currentLevel: 0 });
      expect(d.alert).to.deep.include({
        details: { severity: "critical" },
        dedupKey: "srv01/mysql",
      });
      expect(d.alert.levels).to.deep.equal(policy.levels);
      expect(d.pages).to.deep.equal([
        { id: "n1", level: 0, target: { kind: "email", address: "a@x.io" } },
      ]);
      expect(d.timer).to.deep.equal({
        alertId: "new",
        level: 0,
        fireTime: new Date(T0.getTime() + 60_000),
      });
    });

    for (const state of ["triggered", "acknowledged"] as const) {
      it(`unhealthy service with a ${state} alert: suppressed, counted, nobody paged (behaviour 4)`, () => {
        const active = alertIn(state);
        const service = serviceFor(active);
        const d = triggerAlert({ service, activeAlert: active }, policy, {
          alertId: "new",
          message: "again",
          details: { severity: "info" },
          dedupKey: "other",
          now: LATER,
          actor: KEY,
          newId: ids(),
        });
        expect(d.outcome).to.equal("suppressed");
        expect(d.alert).to.deep.equal({ ...active, signalCount: 2, lastSignalTime: LATER });
        expect(d.service).to.equal(service);
        expect(d.pages).to.be.empty;
        expect(d.timer).to.equal(null);
        expect(d.cancelTimers).to.equal(false);
        expect(d.events).to.deep.equal([
          {
            alertId: "alert",
            monitoredServiceId: "svc",
            createTime: LATER,
            actor: KEY,
            detail: { kind: "signal-suppressed", signalCount: 2, message: "again" },
          },
        ]);
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
          toleranceMs: 0,
          actor: TIMER,
          newId: ids(),
        });
        expect(d.outcome).to.equal(row.outcome);
        if (row.outcome === "escalated") return;
        expect(d.changed).to.equal(false);
        expect(d.alert).to.equal(alert);
        expect(d.pages).to.be.empty;
        expect(d.timer).to.equal(null);
        expect(d.events.map((e) => e.detail)).to.deep.equal([
          { kind: "timeout-ignored", level: row.level, outcome: row.outcome },
        ]);
        expect(d.events[0]?.actor).to.equal(TIMER);
      });
    }

    it("escalating pages every target of the next level and arms that level's timer (behaviour 2)", () => {
      const alert = alertIn("triggered", 0);
      const d = handleAcknowledgementTimeout(alert, serviceFor(alert), {
        level: 0,
        now: LATER,
        toleranceMs: 0,
        actor: TIMER,
        newId: ids(),
      });
      expect(d.alert.currentLevel).to.equal(1);
      expect(d.alert.levelStartTime).to.equal(LATER);
      expect(d.pages.map((p) => p.level)).to.deep.equal([1, 1]);
      expect(d.pages.map((p) => p.target)).to.deep.equal(policy.levels[1]?.targets);
      expect(d.timer).to.deep.equal({
        alertId: "alert",
        level: 1,
        fireTime: new Date(LATER.getTime() + 120_000),
      });
      expect(d.service).to.deep.equal(serviceFor(alert));
    });

    describe("a callback before the level's delay ran out", () => {
      // Level 0 was paged at T0 and waits 60 s.
      const at = (ms: number) => new Date(T0.getTime() + ms);
      const outcomeAt = (alert: Alert, nowMs: number, toleranceMs: number) =>
        handleAcknowledgementTimeout(alert, serviceFor(alert), {
          level: alert.currentLevel,
          now: at(nowMs),
          toleranceMs,
          actor: TIMER,
          newId: ids(),
        });

      it("changes nothing and records IGNORED_NOT_DUE, however little is missing", () => {
        for (const nowMs of [0, 30_000, 59_999]) {
          const alert = alertIn("triggered", 0);
          const d = outcomeAt(alert, nowMs, 0);
          expect(d.outcome, `${nowMs} ms after the page`).to.equal("ignored-not-due");
          expect(d.changed).to.equal(false);
          expect(d.alert).to.equal(alert);
          expect(d.pages).to.be.empty;
          expect(d.timer).to.equal(null);
          expect(d.events.map((e) => e.detail)).to.deep.equal([
            { kind: "timeout-ignored", level: 0, outcome: "ignored-not-due" },
          ]);
        }
      });

      it("escalates at the deadline, and up to the tolerance before it", () => {
        expect(outcomeAt(alertIn("triggered", 0), 60_000, 0).outcome).to.equal("escalated");
        expect(outcomeAt(alertIn("triggered", 0), 55_000, 5000).outcome).to.equal("escalated");
        expect(outcomeAt(alertIn("triggered", 0), 54_999, 5000).outcome).to.equal(
          "ignored-not-due",
        );
      });

      it("counts from when the current level was paged, with that level's own delay", () => {
        // Level 1 paged 10 s after T0 waits 120 s: due at 130 s.
        const alert = { ...alertIn("triggered", 1), levels: [...policy.levels, policy.levels[0]] };
        const level1 = { ...alert, levelStartTime: at(10_000) } as Alert;
        expect(outcomeAt(level1, 129_999, 0).outcome).to.equal("ignored-not-due");
        expect(outcomeAt(level1, 130_000, 0).outcome).to.equal("escalated");
      });

      it("gives way to every other reason to ignore", () => {
        expect(outcomeAt(alertIn("resolved", 0), 1000, 0).outcome).to.equal("ignored-resolved");
        expect(outcomeAt(alertIn("acknowledged", 0), 1000, 0).outcome).to.equal(
          "ignored-acknowledged",
        );
        expect(outcomeAt(alertIn("triggered", 1), 1000, 0).outcome).to.equal("ignored-last-level");
      });
    });

    it("refuses a negative level before reading anything", () => {
      expect(() => validateLevelIndex(-1)).to.throw(DomainError, /level/);
      expect(validateLevelIndex(3)).to.equal(3);
    });
  });

  describe("acknowledgement", () => {
    it("triggered: acknowledged by the caller, timers cancelled, nobody paged (behaviour 3)", () => {
      const alert = alertIn("triggered");
      const d = acknowledgeAlert(alert, serviceFor(alert), {
        acknowledgedBy: "ana",
        now: LATER,
        actor: KEY,
      });
      expect(d.alert).to.include({ state: "acknowledged", acknowledgedBy: "ana" });
      expect(d.alert.acknowledgeTime).to.equal(LATER);
      expect(d.cancelTimers).to.equal(true);
      expect(d.pages).to.be.empty;
      expect(d.service.health).to.equal("unhealthy");
    });

    it("acknowledged: harmless, the first acknowledgement stays", () => {
      const alert = alertIn("acknowledged");
      const d = acknowledgeAlert(alert, serviceFor(alert), {
        acknowledgedBy: "bob",
        now: LATER,
        actor: KEY,
      });
      expect(d.changed).to.equal(false);
      expect(d.alert).to.include({ acknowledgedBy: "first", acknowledgeTime: T0 });
    });

    it("resolved: FAILED_PRECONDITION", () => {
      const alert = alertIn("resolved");
      expect(() =>
        acknowledgeAlert(alert, healthy, {
          acknowledgedBy: "ana",
          now: LATER,
          actor: KEY,
        }),
      )
        .to.throw(DomainError)
        .with.property("kind", "failed-precondition");
    });
  });

  describe("healthy event", () => {
    for (const state of ["triggered", "acknowledged"] as const) {
      it(`${state}: alert resolved, service healthy, timers cancelled (behaviour 5)`, () => {
        const alert = alertIn(state);
        const d = resolveAlert(alert, serviceFor(alert), {
          now: LATER,
          actor: KEY,
          healthyEvent: true,
        });
        expect(d.alert).to.include({ state: "resolved", resolveTime: LATER });
        expect(d.service).to.include({ health: "healthy", activeAlertId: null });
        expect(d.cancelTimers).to.equal(true);
        expect(d.pages).to.be.empty;
      });
    }

    it("resolved alert: a no-op", () => {
      const alert = alertIn("resolved");
      const d = resolveAlert(alert, healthy, { now: LATER, actor: KEY, healthyEvent: true });
      expect(d.changed).to.equal(false);
      expect(d.alert.resolveTime).to.equal(T0);
    });

    it("an old resolved alert never turns healthy a service with a newer incident", () => {
      const old = alertIn("resolved");
      const busy: MonitoredService = { ...healthy, health: "unhealthy", activeAlertId: "newer" };
      const d = resolveAlert(old, busy, { now: LATER, actor: KEY, healthyEvent: false });
      expect(d.changed).to.equal(false);
      expect(d.service).to.equal(busy);
    });
  });
});
