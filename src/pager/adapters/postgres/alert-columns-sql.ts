import type { Alert } from "../../domain/alert.js";
import type { EscalationLevel } from "../../domain/escalation-policy.js";

/**
 * Every column of an alert read as `a`, prefixed a_ so a statement can read
 * a service's or a policy's beside it; {@link toAlert} makes the domain's
 * alert of them. The id and service are the caller's to read: a statement
 * may know them from another table.
 */
export const ALERT_COLUMNS = `a.message AS a_message, a.details AS a_details,
  a.dedup_key AS a_dedup_key, a.escalation_policy_id AS a_policy_id, a.state AS a_state,
  a.current_level AS a_current_level, a.level_start_time AS a_level_start_time,
  a.acknowledged_by AS a_acknowledged_by, a.levels AS a_levels,
  a.create_time AS a_create_time, a.acknowledge_time AS a_acknowledge_time,
  a.resolve_time AS a_resolve_time, a.signal_count AS a_signal_count,
  a.last_signal_time AS a_last_signal_time`;

/** The columns of {@link ALERT_COLUMNS} as the driver reads them. */
export interface AlertColumns {
  a_message: string;
  a_details: Record<string, string>;
  a_dedup_key: string;
  a_policy_id: string;
  a_state: Alert["state"];
  a_current_level: number;
  a_level_start_time: Date;
  a_acknowledged_by: string;
  a_levels: EscalationLevel[];
  a_create_time: Date;
  a_acknowledge_time: Date | null;
  a_resolve_time: Date | null;
  a_signal_count: number;
  a_last_signal_time: Date;
}

/** The alert `id` of `monitoredServiceId` that `row` holds. */
export function toAlert(id: string, monitoredServiceId: string, row: AlertColumns): Alert {
  return {
    id,
    monitoredServiceId,
    escalationPolicyId: row.a_policy_id,
    message: row.a_message,
    details: row.a_details,
    dedupKey: row.a_dedup_key,
    state: row.a_state,
    currentLevel: row.a_current_level,
    levelStartTime: row.a_level_start_time,
    acknowledgedBy: row.a_acknowledged_by,
    levels: row.a_levels,
    createTime: row.a_create_time,
    acknowledgeTime: row.a_acknowledge_time,
    resolveTime: row.a_resolve_time,
    signalCount: row.a_signal_count,
    lastSignalTime: row.a_last_signal_time,
  };
}
