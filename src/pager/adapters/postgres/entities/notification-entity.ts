import { EntitySchema } from "typeorm";
import type { NotificationState } from "../../../domain/notification.js";
import type { Target } from "../../../domain/target.js";

/** A row of notifications: the outbox, plus what the dispatcher needs to claim and retry. */
export interface NotificationRow {
  id: string;
  alertId: string;
  level: number;
  target: Target;
  targetKey: string;
  state: NotificationState;
  attempts: number;
  lastError: string;
  createTime: Date;
  sendTime: Date | null;
  nextAttemptTime: Date;
  claimedUntil: Date | null;
  providerMessageId: string;
  /** Attempts already made when an operator last retried: the retry budget counts from here. */
  attemptsAtRetry: number;
}

/** Maps notifications. */
export const NotificationEntity = new EntitySchema<NotificationRow>({
  name: "Notification",
  tableName: "notifications",
  columns: {
    id: { type: "uuid", primary: true },
    alertId: { type: "uuid", name: "alert_id" },
    level: { type: "integer" },
    target: { type: "jsonb" },
    targetKey: { type: "text", name: "target_key" },
    state: { type: "text" },
    attempts: { type: "integer" },
    lastError: { type: "text", name: "last_error" },
    createTime: { type: "timestamptz", name: "create_time" },
    sendTime: { type: "timestamptz", name: "send_time", nullable: true },
    nextAttemptTime: { type: "timestamptz", name: "next_attempt_time" },
    claimedUntil: { type: "timestamptz", name: "claimed_until", nullable: true },
    providerMessageId: { type: "text", name: "provider_message_id" },
    attemptsAtRetry: { type: "integer", name: "attempts_at_retry" },
  },
});
