import { EntitySchema } from "typeorm";
import type { AlertState } from "../../../domain/alert.js";
import type { EscalationLevel } from "../../../domain/escalation-policy.js";

/** A row of alerts, with the policy's levels as they were at trigger time. */
export interface AlertRow {
  id: string;
  monitoredServiceId: string;
  escalationPolicyId: string;
  message: string;
  details: Record<string, string>;
  dedupKey: string;
  state: AlertState;
  currentLevel: number;
  levelStartTime: Date;
  acknowledgedBy: string;
  levels: EscalationLevel[];
  createTime: Date;
  acknowledgeTime: Date | null;
  resolveTime: Date | null;
  signalCount: number;
  lastSignalTime: Date;
}

/** Maps alerts. */
export const AlertEntity = new EntitySchema<AlertRow>({
  name: "Alert",
  tableName: "alerts",
  columns: {
    id: { type: "uuid", primary: true },
    monitoredServiceId: { type: "uuid", name: "monitored_service_id" },
    escalationPolicyId: { type: "uuid", name: "escalation_policy_id" },
    message: { type: "text" },
    details: { type: "jsonb" },
    dedupKey: { type: "text", name: "dedup_key" },
    state: { type: "text" },
    currentLevel: { type: "integer", name: "current_level" },
    levelStartTime: { type: "timestamptz", name: "level_start_time" },
    acknowledgedBy: { type: "text", name: "acknowledged_by" },
    levels: { type: "jsonb" },
    createTime: { type: "timestamptz", name: "create_time" },
    acknowledgeTime: { type: "timestamptz", name: "acknowledge_time", nullable: true },
    resolveTime: { type: "timestamptz", name: "resolve_time", nullable: true },
    signalCount: { type: "integer", name: "signal_count" },
    lastSignalTime: { type: "timestamptz", name: "last_signal_time" },
  },
});
