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
}
