import type { AlertSubject, LockedAlertState } from "../../app/ports.js";
import type { EscalationLevel } from "../../domain/escalation-policy.js";
import type { MonitoredServiceHealth } from "../../domain/monitored-service.js";
import { ALERT_COLUMNS, type AlertColumns, toAlert } from "./alert-columns-sql.js";

/** A named statement: prepared once per connection, then only bound and executed. */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

const SERVICE_COLUMNS = `s.id AS s_id, s.name AS s_name, s.escalation_policy_id AS s_policy_id,
  s.health AS s_health, s.active_alert_id AS s_active_alert_id, s.create_time AS s_create_time,
  s.update_time AS s_update_time`;

/*
 * The service row is locked FOR UPDATE first (the lock every alert event
 * serialises on), then the alert FOR NO KEY UPDATE (so rows that only
 * reference it, such as timeline entries, never wait for it): the lateral
 * subquery runs per locked service row, so the order is always service, then
 * alert. The service row is the newest version after any wait; the alert
 * and policy are read in the statement's snapshot, taken before that wait,
 * so {@link isStale} tells when they must be read again.
 */

/** Locks a service and its active alert, and reads the policy it points at. */
const BY_SERVICE: NamedStatement = {
  name: "pager_lock_service",
  text: `WITH s AS (
      SELECT * FROM monitored_services WHERE id = $1 FOR UPDATE)
    SELECT ${SERVICE_COLUMNS}, a.id AS a_id, ${ALERT_COLUMNS},
           p.id AS p_id, p.name AS p_name, p.levels AS p_levels,
           p.create_time AS p_create_time, p.update_time AS p_update_time
      FROM s
      LEFT JOIN LATERAL (
        SELECT * FROM alerts WHERE id = s.active_alert_id FOR NO KEY UPDATE) a ON true
      LEFT JOIN escalation_policies p ON p.id = s.escalation_policy_id`,
};

/** Locks an alert's service (found without reading the alert first), then the alert. */
const BY_ALERT: NamedStatement = {
  name: "pager_lock_alert",
  text: `WITH s AS (
      SELECT * FROM monitored_services
       WHERE id = (SELECT monitored_service_id FROM alerts WHERE id = $1) FOR UPDATE)
    SELECT ${SERVICE_COLUMNS}, a.id AS a_id, ${ALERT_COLUMNS},
           NULL::uuid AS p_id, NULL AS p_name, NULL::jsonb AS p_levels,
           NULL::timestamptz AS p_create_time, NULL::timestamptz AS p_update_time
      FROM s
      LEFT JOIN LATERAL (
        SELECT * FROM alerts WHERE id = $1 FOR NO KEY UPDATE) a ON true`,
};

/** The statement that locks and reads `subject`, and its one parameter. */
export function lockStatement(subject: AlertSubject): { statement: NamedStatement; id: string } {
  return "alertId" in subject
    ? { statement: BY_ALERT, id: subject.alertId }
    : { statement: BY_SERVICE, id: subject.serviceId };
}

/** One row of {@link lockStatement}: the service, its alert and policy, prefixed s_, a_, p_. */
export interface LockedRow extends AlertColumns {
  s_id: string;
  s_name: string;
  s_policy_id: string;
  s_health: MonitoredServiceHealth;
  s_active_alert_id: string | null;
  s_create_time: Date;
  s_update_time: Date;
  a_id: string | null;
  p_id: string | null;
  p_name: string;
  p_levels: EscalationLevel[];
  p_create_time: Date;
  p_update_time: Date;
}

/**
 * True when the snapshot missed what the locked service row points at: a
 * transaction this one waited for committed a new active alert (or moved the
 * service to a policy) after the statement's snapshot was taken. Read again
 * under the lock now held, the statement sees it.
 */
export function isStale(subject: AlertSubject, row: LockedRow | undefined): boolean {
  if (row === undefined || "alertId" in subject) return false;
  return (row.s_active_alert_id !== null && row.a_id === null) || row.p_id === null;
}

/** The locked state as the domain knows it; no row means no such subject. */
export function toLockedState(row: LockedRow | undefined): LockedAlertState {
  if (row === undefined) return { service: null, alert: null, policy: null };
  const service = {
    id: row.s_id,
    name: row.s_name,
    escalationPolicyId: row.s_policy_id,
    health: row.s_health,
    activeAlertId: row.s_active_alert_id,
    createTime: row.s_create_time,
    updateTime: row.s_update_time,
  };
  const alert = row.a_id === null ? null : toAlert(row.a_id, row.s_id, row);
  const policy =
    row.p_id === null
      ? null
      : {
          id: row.p_id,
          name: row.p_name,
          levels: row.p_levels,
          createTime: row.p_create_time,
          updateTime: row.p_update_time,
        };
  return { service, alert, policy };
}
