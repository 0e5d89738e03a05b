import { failedPrecondition } from "../../platform/errors/domain-error.js";
import type { Alert } from "./alert.js";
import { alertEvent, type NewAlertEvent } from "./alert-event.js";
import type { Cause } from "./escalation.js";
import type { Target } from "./target.js";

/** Delivery state of one page. */
export type NotificationState = "pending" | "sent" | "failed";

/**
 * One page to one target for one level of one alert, queued in the same
 * transaction as the escalation that caused it (an outbox row).
 */
export interface Notification {
  readonly id: string;
  readonly alertId: string;
  readonly level: number;
  readonly target: Target;
  readonly state: NotificationState;
  readonly attempts: number;
  readonly lastError: string;
  readonly createTime: Date;
  readonly sendTime: Date | null;
  /** The provider's id for the sent message, so a page can be traced in the provider's logs. */
  readonly providerMessageId: string;
}

/**
 * Only a page that gave up can be queued again: retrying a pending page
 * would not make it faster, and retrying a sent one would page a person twice.
 */
export function requireFailed(notification: Notification): Notification {
  if (notification.state !== "failed") {
    throw failedPrecondition(
      "NOTIFICATION_NOT_FAILED",
      `notification_id: notification "${notification.id}" is ${notification.state.toUpperCase()}; only a FAILED notification can be retried`,
    );
  }
  return notification;
}

/**
 * An operator queues a failed page again: allowed only for a FAILED page (see
 * {@link requireFailed}), and recorded in the alert's timeline with who did it.
 */
export function retryFailedNotification(
  notification: Notification,
  alert: Pick<Alert, "id" | "monitoredServiceId">,
  cause: Cause,
): NewAlertEvent {
  requireFailed(notification);
  return alertEvent(alert, cause.actor, cause.now, {
    kind: "notification-retried",
    notificationId: notification.id,
    level: notification.level,
    target: notification.target,
  });
}
