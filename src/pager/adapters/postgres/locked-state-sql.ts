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
 * The service rows are locked FOR UPDATE first (the lock every alert event
 * serialises on), in id order, so transactions locking several services
 * never wait on each other in a cycle; then each alert FOR NO KEY UPDATE (so
 * rows that only reference it, such as timeline entries, never wait for
 * it): the lateral subqueries run per locked service row, so the order is
 * always a service, then its alerts. The service rows are the newest
 * versions after any wait; the alerts and policies are read in the
 * statement's snapshot, taken before that wait, so {@link isStale} tells
 * when they must be read again. The named alerts are looked up once, by
 * their key, before any lock: an alert never moves to another service. A
 * service subject's row (kind 's') carries its active alert and policy; an
 * alert subject's (kind 'a') that alert and no policy.
 */
const LOCK_SUBJECTS: NamedStatement = {
  name: "pager_lock_subjects",
  text: `WITH named AS MATERIALIZED (
      SELECT id, monitored_service_id FROM alerts WHERE id = ANY($2::uuid[])),
    s AS (
      SELECT * FROM monitored_services
       WHERE id = ANY(ARRAY(
         SELECT unnest($1::uuid[]) UNION SELECT monitored_service_id FROM named))
       ORDER BY id FOR UPDATE)
    SELECT w.kind AS subject_kind, ${SERVICE_COLUMNS}, a.id AS a_id, ${ALERT_COLUMNS},
           p.id AS p_id, p.name AS p_name, p.levels AS p_levels,
           p.create_time AS p_create_time, p.update_time AS p_update_time
      FROM s
      CROSS JOIN LATERAL (
        SELECT 's' AS kind, s.active_alert_id AS alert_id WHERE s.id = ANY($1::uuid[])
        UNION ALL
        SELECT 'a', n.id FROM named n WHERE n.monitored_service_id = s.id) w
      LEFT JOIN LATERAL (
        SELECT * FROM alerts WHERE id = w.alert_id FOR NO KEY UPDATE) a ON true
      LEFT JOIN escalation_policies p ON w.kind = 's' AND p.id = s.escalation_policy_id`,
};

/** The statement that locks and reads `subjects`, and its two parameters. */
export function lockStatement(subjects: readonly AlertSubject[]): {
  statement: NamedStatement;
  values: [string[], string[]];
} {
  const serviceIds: string[] = [];
  const alertIds: string[] = [];
  for (const subject of subjects) {
    if ("alertId" in subject) alertIds.push(subject.alertId);
    else serviceIds.push(subject.serviceId);
  }
  return { statement: LOCK_SUBJECTS, values: [serviceIds, alertIds] };
}

/** The row of {@link lockStatement}'s answer that is about `subject`, if any. */
export function rowOf(rows: readonly LockedRow[], subject: AlertSubject): LockedRow | undefined {
  return "alertId" in subject
    ? rows.find((row) => row.subject_kind === "a" && row.a_id === subject.alertId.toLowerCase())
    : rows.find((row) => row.subject_kind === "s" && row.s_id === subject.serviceId.toLowerCase());
}

/** One row of {@link lockStatement}: the service, its alert and policy, prefixed s_, a_, p_. */
export interface LockedRow extends AlertColumns {
  subject_kind: "s" | "a";
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
