import type { Actor } from "./actor.js";
import type { Alert } from "./alert.js";
import type { IgnoredTimeoutOutcome } from "./escalation.js";
import type { Target } from "./target.js";

/** A page as the timeline names it: which notification, which level, whom. */
export interface PageRef {
  readonly notificationId: string;
  readonly level: number;
  readonly target: Target;
}

/**
 * What one timeline entry says happened. Each kind carries what a responder
 * needs to understand it later without reading anything else.
 */
export type AlertEventDetail =
  | { readonly kind: "triggered"; readonly message: string }
  | {
      readonly kind: "signal-suppressed";
      /** Signals absorbed so far, this one and the alert's creation included. */
      readonly signalCount: number;
      readonly message: string;
    }
  | ({ readonly kind: "page-queued" } & PageRef)
  | ({
      readonly kind: "page-sent";
      readonly attempt: number;
      readonly providerMessageId: string;
    } & PageRef)
  | ({
      readonly kind: "page-failed";
      readonly attempt: number;
      readonly error: string;
      /** No more attempts will be made: the notification is FAILED. */
      readonly final: boolean;
    } & PageRef)
  | { readonly kind: "escalated"; readonly fromLevel: number; readonly toLevel: number }
  | {
      readonly kind: "timeout-ignored";
      readonly level: number;
      readonly outcome: IgnoredTimeoutOutcome;
    }
  | { readonly kind: "acknowledged"; readonly acknowledgedBy: string }
  | {
      readonly kind: "resolved";
      /** True for the service's healthy event, false when the alert was resolved by its id. */
      readonly healthyEvent: boolean;
    }
  | ({ readonly kind: "notification-retried" } & PageRef);

/**
 * One entry of an alert's timeline as a decision produces it. It is written in
 * the transaction of the change it records, so the timeline can be trusted as
 * the history: no entry without its change, no change without its entry.
 */
export interface NewAlertEvent {
  readonly alertId: string;
  readonly monitoredServiceId: string;
  readonly createTime: Date;
  readonly actor: Actor;
  readonly detail: AlertEventDetail;
}

/** A recorded entry: its id is its place in the order the entries were committed. */
export interface AlertEvent extends NewAlertEvent {
  readonly id: string;
}

/** An entry about `alert`, made by `actor` at `now`. */
export function alertEvent(
  alert: Pick<Alert, "id" | "monitoredServiceId">,
  actor: Actor,
  now: Date,
  detail: AlertEventDetail,
): NewAlertEvent {
  return {
    alertId: alert.id,
    monitoredServiceId: alert.monitoredServiceId,
    createTime: now,
    actor,
    detail,
  };
}
