import { EntitySchema } from "typeorm";

/**
 * A row of ack_timers: one durable acknowledgement timer per (alert, level),
 * and, with an external timer service, the relay's bookkeeping of it.
 */
export interface AckTimerRow {
  alertId: string;
  level: number;
  fireTime: Date;
  claimedUntil: Date | null;
  generation: number;
  deliveredTime: Date | null;
  cancelTime: Date | null;
  attempts: number;
  lastError: string;
}

/** Maps ack_timers. */
export const AckTimerEntity = new EntitySchema<AckTimerRow>({
  name: "AckTimer",
  tableName: "ack_timers",
  columns: {
    alertId: { type: "uuid", name: "alert_id", primary: true },
    level: { type: "integer", primary: true },
    fireTime: { type: "timestamptz", name: "fire_time" },
    claimedUntil: { type: "timestamptz", name: "claimed_until", nullable: true },
    generation: { type: "integer", default: 0 },
    deliveredTime: { type: "timestamptz", name: "delivered_time", nullable: true },
    cancelTime: { type: "timestamptz", name: "cancel_time", nullable: true },
    attempts: { type: "integer", default: 0 },
    lastError: { type: "text", name: "last_error", default: "" },
  },
});
