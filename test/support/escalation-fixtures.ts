import type { Actor } from "../../src/pager/domain/actor.js";
import type { EscalationPolicy } from "../../src/pager/domain/escalation-policy.js";
import type { MonitoredService } from "../../src/pager/domain/monitored-service.js";

/** What the pure escalation tests decide against: fixed times, actors, a policy, a service. */
export const T0 = new Date("2026-11-27T10:00:00Z");
export const LATER = new Date("2026-11-27T10:05:00Z");
export const KEY: Actor = { kind: "api-key", apiKeyId: "key-1", name: "ana's laptop" };
export const TIMER: Actor = { kind: "system", name: "timer" };
export const EMAIL = { kind: "email", address: "a@x.io" } as const;
export const SMS = { kind: "sms", phoneNumber: "+14155550123" } as const;
export const HOOK = { kind: "webhook", url: "https://hooks.x.io/p" } as const;

/** Notification ids n1, n2, … in the order a decision asks for them. */
export function ids(): () => string {
  let next = 0;
  return () => `n${++next}`;
}

/** Level 0 emails, level 1 texts and calls a webhook. */
export const policy: EscalationPolicy = {
  id: "policy",
  name: "web",
  levels: [
    { targets: [EMAIL], ackTimeoutMs: 60_000 },
    { targets: [SMS, HOOK], ackTimeoutMs: 120_000 },
  ],
  createTime: T0,
  updateTime: T0,
};

export const healthy: MonitoredService = {
  id: "svc",
  name: "web",
  escalationPolicyId: "policy",
  health: "healthy",
  activeAlertId: null,
  createTime: T0,
  updateTime: T0,
};
