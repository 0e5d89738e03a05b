import { failedPrecondition, invalidArgument } from "../../platform/errors/domain-error.js";
import type { Actor } from "./actor.js";
import type { Alert } from "./alert.js";
import type { AlertDetails } from "./alert-details.js";
import { alertEvent, type NewAlertEvent } from "./alert-event.js";
import type { EscalationPolicy } from "./escalation-policy.js";
import type { MonitoredService } from "./monitored-service.js";
import type { Target } from "./target.js";
import { requireText } from "./text-field.js";

/** Bytes of UTF-8: any message of 4096 characters fits, as integrations cut them. */
const MAX_MESSAGE_BYTES = 16_384;
/** Bytes of UTF-8: room for any API key name or target label. */
const MAX_ACKNOWLEDGER_BYTES = 1024;

/** One page to queue: who, for which level of the alert, under which notification id. */
export interface Page {
  readonly id: string;
  readonly level: number;
  readonly target: Target;
}

/** An acknowledgement timer to arm for the level that was just paged. */
export interface TimerRequest {
  readonly alertId: string;
  readonly level: number;
  readonly fireTime: Date;
}

/**
 * Everything one event changes, decided without I/O so that a use case can
 * write it all in one transaction: the new state, the outbox rows and the
 * timer go in together or not at all.
 */
export interface Decision<Outcome extends string> {
  readonly outcome: Outcome;
  readonly alert: Alert;
  readonly service: MonitoredService;
  /** False when the event changed no state; its timeline entries, if any, are still written. */
  readonly changed: boolean;
  readonly pages: readonly Page[];
  readonly timer: TimerRequest | null;
  /** True when pending timers of the alert must be dropped. */
  readonly cancelTimers: boolean;
  /** The timeline entries this decision records, in order; written with the rest. */
  readonly events: readonly NewAlertEvent[];
}

/**
 * Who or what caused an event, and when. Every decision records it in the
 * timeline, so the history says who acknowledged and which part of the pager
 * acted on its own.
 */
export interface Cause {
  readonly actor: Actor;
  readonly now: Date;
}

/** A new notification id: pages are named when decided, so their timeline entries can name them. */
export type NewId = () => string;

/** What SendAlert did. */
export type TriggerOutcome = "created" | "suppressed";
/** What an acknowledgement-timeout callback did. */
export type TimeoutOutcome =
  | "escalated"
  | "ignored-acknowledged"
  | "ignored-resolved"
  | "ignored-stale"
  | "ignored-last-level"
  | "ignored-not-due";
/** The outcomes of a timer callback that changed nothing. */
export type IgnoredTimeoutOutcome = Exclude<TimeoutOutcome, "escalated">;

/** The state an alert event is decided against, read under the service lock. */
export interface ServiceState {
  readonly service: MonitoredService;
  /** The service's active alert, present exactly when it is unhealthy. */
  readonly activeAlert: Alert | null;
}

function unchanged<O extends string>(
  outcome: O,
  alert: Alert,
  service: MonitoredService,
  events: readonly NewAlertEvent[] = [],
) {
  return {
    outcome,
    alert,
    service,
    changed: false,
    pages: [],
    timer: null,
    cancelTimers: false,
    events,
  };
}

/** Pages every target of `level`, arms its timer, and records each page as queued. */
function pageLevel(alert: Alert, level: number, cause: Cause & { readonly newId: NewId }) {
  const step = alert.levels[level];
  if (step === undefined) throw new RangeError(`alert ${alert.id} has no level ${level}`);
  const pages = step.targets.map((target) => ({ id: cause.newId(), level, target }));
  return {
    pages,
    timer: {
      alertId: alert.id,
      level,
      fireTime: new Date(cause.now.getTime() + step.ackTimeoutMs),
    },
    queued: pages.map((page) =>
      alertEvent(alert, cause.actor, cause.now, {
        kind: "page-queued",
        notificationId: page.id,
        level,
        target: page.target,
      }),
    ),
  };
}

/** Checks the text a person will read in the page. */
export function validateMessage(message: string, field = "message"): string {
  return requireText(message, field, MAX_MESSAGE_BYTES, "say what went wrong", "lines");
}

/**
 * Behaviours 1 and 4: a healthy service turns unhealthy and pages its first
 * level; an unhealthy one keeps its single active alert and pages nobody, but
 * counts the signal, so responders see how often monitoring repeated itself.
 * The policy's levels are copied into the alert so later edits cannot corrupt
 * this escalation.
 */
export function triggerAlert(
  state: ServiceState,
  policy: EscalationPolicy,
  event: Cause & {
    readonly alertId: string;
    readonly message: string;
    readonly details: AlertDetails;
    readonly dedupKey: string;
    readonly newId: NewId;
  },
): Decision<TriggerOutcome> {
  const { service, activeAlert } = state;
  if (service.health === "unhealthy" && activeAlert !== null) {
    const counted = {
      ...activeAlert,
      signalCount: activeAlert.signalCount + 1,
      lastSignalTime: event.now,
    };
    const suppressed = alertEvent(counted, event.actor, event.now, {
      kind: "signal-suppressed",
      signalCount: counted.signalCount,
      message: event.message,
    });
    return { ...unchanged("suppressed", counted, service, [suppressed]), changed: true };
  }
  const alert: Alert = {
    id: event.alertId,
    monitoredServiceId: service.id,
    escalationPolicyId: policy.id,
    message: event.message,
    details: event.details,
    dedupKey: event.dedupKey,
    state: "triggered",
    currentLevel: 0,
    levelStartTime: event.now,
    acknowledgedBy: "",
    levels: policy.levels,
    createTime: event.now,
    acknowledgeTime: null,
    resolveTime: null,
    signalCount: 1,
    lastSignalTime: event.now,
  };
  const { queued, ...paged } = pageLevel(alert, 0, event);
  return {
    outcome: "created",
    alert,
    service: { ...service, health: "unhealthy", activeAlertId: alert.id, updateTime: event.now },
    changed: true,
    ...paged,
    cancelTimers: false,
    events: [
      alertEvent(alert, event.actor, event.now, { kind: "triggered", message: event.message }),
      ...queued,
    ],
  };
}

/** Checks who takes the alert, so that responders can see who is on it. */
export function validateAcknowledger(acknowledgedBy: string, field = "acknowledged_by"): string {
  return requireText(acknowledgedBy, field, MAX_ACKNOWLEDGER_BYTES, "who takes the alert");
}

/**
 * Who takes the alert: whom the request names, or else whoever made the
 * call (the API key's name), so an acknowledgement always says who it was.
 */
export function acknowledgerOf(requested: string, actor: Actor): string {
  return validateAcknowledger(requested.trim() === "" ? actor.name : requested);
}

/**
 * Behaviour 3: stops the escalation. Acknowledging twice keeps the first
 * responder and time, so a retried call cannot rewrite history; a resolved
 * alert has nothing left to acknowledge.
 */
export function acknowledgeAlert(
  alert: Alert,
  service: MonitoredService,
  event: Cause & { readonly acknowledgedBy: string },
): Decision<"acknowledged"> {
  if (alert.state === "resolved") {
    throw failedPrecondition(
      "ALERT_RESOLVED",
      `alert_id: alert "${alert.id}" is already resolved; there is nothing to acknowledge`,
    );
  }
  if (alert.state === "acknowledged") return unchanged("acknowledged", alert, service);
  return {
    outcome: "acknowledged",
    alert: {
      ...alert,
      state: "acknowledged",
      acknowledgedBy: event.acknowledgedBy,
      acknowledgeTime: event.now,
    },
    service,
    changed: true,
    pages: [],
    timer: null,
    cancelTimers: true,
    events: [
      alertEvent(alert, event.actor, event.now, {
        kind: "acknowledged",
        acknowledgedBy: event.acknowledgedBy,
      }),
    ],
  };
}

/**
 * Behaviour 5: the healthy event. Resolving is idempotent, and only the
 * service's active alert can turn it healthy: resolving an older alert must
 * not hide a newer incident. `healthyEvent` says whether monitoring reported
 * the service healthy or someone resolved the alert by its id.
 */
export function resolveAlert(
  alert: Alert,
  service: MonitoredService,
  event: Cause & { readonly healthyEvent: boolean },
): Decision<"resolved"> {
  const { now } = event;
  const healthy =
    service.activeAlertId === alert.id
      ? { ...service, health: "healthy" as const, activeAlertId: null, updateTime: now }
      : service;
  if (alert.state === "resolved" && healthy === service) {
    return unchanged("resolved", alert, service);
  }
  return {
    outcome: "resolved",
    alert: alert.state === "resolved" ? alert : { ...alert, state: "resolved", resolveTime: now },
    service: healthy,
    changed: true,
    pages: [],
    timer: null,
    cancelTimers: alert.state !== "resolved",
    events:
      alert.state === "resolved"
        ? []
        : [
            alertEvent(alert, event.actor, now, {
              kind: "resolved",
              healthyEvent: event.healthyEvent,
            }),
          ],
  };
}

/** Checks a timer callback's level before anything is read. */
export function validateLevelIndex(level: number, field = "level"): number {
  if (!Number.isInteger(level) || level < 0) {
    throw invalidArgument(field, `must be a level index of 0 or more, got ${level}`);
  }
  return level;
}

/**
 * When the acknowledgement delay of the alert's current level runs out: the
 * level was paged at `levelStartTime` and waits its own `ack_timeout`.
 */
export function levelDeadline(alert: Alert): Date {
  const step = alert.levels[alert.currentLevel];
  if (step === undefined)
    throw new RangeError(`alert ${alert.id} has no level ${alert.currentLevel}`);
  return new Date(alert.levelStartTime.getTime() + step.ackTimeoutMs);
}

/**
 * Behaviour 2 and the guard against late, duplicate, obsolete or early
 * callbacks: only a callback for the level the alert is at, while it is
 * still triggered, has a next level and its delay has run out, pages anyone.
 * `toleranceMs` forgives a caller whose clock runs that much ahead of ours;
 * a callback earlier than that (a timer service gone wrong, or a caller
 * trying to page the next level at once) changes nothing. When several
 * reasons to ignore apply, resolved wins over acknowledged over stale over
 * last level over not due. An ignored callback changes no state but is
 * recorded with its outcome, so the timeline shows that the timer did fire.
 */
export function handleAcknowledgementTimeout(
  alert: Alert,
  service: MonitoredService,
  event: Cause & { readonly level: number; readonly toleranceMs: number; readonly newId: NewId },
): Decision<TimeoutOutcome> {
  const ignored = (outcome: IgnoredTimeoutOutcome) =>
    unchanged(outcome, alert, service, [
      alertEvent(alert, event.actor, event.now, {
        kind: "timeout-ignored",
        level: event.level,
        outcome,
      }),
    ]);
  if (alert.state === "resolved") return ignored("ignored-resolved");
  if (alert.state === "acknowledged") return ignored("ignored-acknowledged");
  if (event.level !== alert.currentLevel) return ignored("ignored-stale");
  const next = alert.currentLevel + 1;
  if (next >= alert.levels.length) return ignored("ignored-last-level");
  if (event.now.getTime() + event.toleranceMs < levelDeadline(alert).getTime()) {
    return ignored("ignored-not-due");
  }
  const escalated = { ...alert, currentLevel: next, levelStartTime: event.now };
  const { queued, ...paged } = pageLevel(escalated, next, event);
  return {
    outcome: "escalated",
    alert: escalated,
    service,
    changed: true,
    ...paged,
    cancelTimers: false,
    events: [
      alertEvent(alert, event.actor, event.now, {
        kind: "escalated",
        fromLevel: alert.currentLevel,
        toLevel: next,
      }),
      ...queued,
    ],
  };
}
