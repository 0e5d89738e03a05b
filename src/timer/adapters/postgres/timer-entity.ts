import { EntitySchema } from "typeorm";
import type { TimerState } from "../../domain/timer.js";

/** A row of timer.timers: the timer, plus the claim the firing loop keeps on it. */
export interface TimerRow {
  id: string;
  fireTime: Date;
  delayMs: number | null;
  endpoint: string;
  method: string;
  request: Buffer;
  metadata: Record<string, string>;
  state: TimerState;
  attempts: number;
  lastError: string;
  createTime: Date;
  updateTime: Date;
  nextAttemptTime: Date | null;
  claimedUntil: Date | null;
}

/** pg returns bigint as a string; delays fit a JavaScript number with room to spare. */
const bigintAsNumber = {
  to: (value: number | null) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** Maps timer.timers. */
export const TimerEntity = new EntitySchema<TimerRow>({
  name: "Timer",
  schema: "timer",
  tableName: "timers",
  columns: {
    id: { type: "text", name: "timer_id", primary: true },
    fireTime: { type: "timestamptz", name: "fire_time" },
    delayMs: { type: "bigint", name: "delay_ms", nullable: true, transformer: bigintAsNumber },
    endpoint: { type: "text" },
    method: { type: "text" },
    request: { type: "bytea" },
    metadata: { type: "jsonb" },
    state: { type: "text" },
    attempts: { type: "integer" },
    lastError: { type: "text", name: "last_error" },
    createTime: { type: "timestamptz", name: "create_time" },
    updateTime: { type: "timestamptz", name: "update_time" },
    nextAttemptTime: { type: "timestamptz", name: "next_attempt_time", nullable: true },
    claimedUntil: { type: "timestamptz", name: "claimed_until", nullable: true },
  },
});
