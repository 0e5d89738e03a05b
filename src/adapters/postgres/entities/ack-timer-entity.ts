import { EntitySchema } from "typeorm";

/** A row of ack_timers: one durable acknowledgement timer per (alert, level). */
export interface AckTimerRow {
  alertId: string;
  level: number;
  fireTime: Date;
  claimedUntil: Date | null;
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
  },
});
