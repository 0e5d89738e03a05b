import type { DecisionWrite } from "../../app/ports.js";
import { targetKey } from "../../domain/target.js";
import { eventRecord, insertEventsSql } from "./alert-event-rows.js";
import { isoTime } from "./iso-time.js";
import type { NamedStatement } from "./locked-state-sql.js";

/**
 * One part of the write: a data-modifying CTE over the rows of every
 * decision in the batch that asks for it, bound as one JSON array, so a
 * batch of any size is one statement with one parameter per part.
 */
interface WritePart {
  /** Bit of the statement's shape, so each shape is one named statement. */
  readonly bit: number;
  readonly wanted: (write: DecisionWrite) => boolean;
  /** The CTE's body, reading its rows from the JSON array bound at `param`. */
  readonly sql: (param: string) => string;
  /** The part's rows for one decision. */
  readonly rows: (write: DecisionWrite) => readonly object[];
}

const ALERT_ROW = `id uuid, monitored_service_id uuid, escalation_policy_id uuid, message text,
  details jsonb, dedup_key text, state text, current_level integer, acknowledged_by text,
  levels jsonb, create_time timestamptz, acknowledge_time timestamptz, resolve_time timestamptz,
  signal_count integer, last_signal_time timestamptz, level_start_time timestamptz`;

const PARTS: readonly WritePart[] = [
  {
    bit: 1,
    wanted: (w) => w.decision.changed && w.alertIsNew,
    sql: (param) => `INSERT INTO alerts (id, monitored_service_id, escalation_policy_id, message,
        details, dedup_key, state, current_level, acknowledged_by, levels, create_time,
        acknowledge_time, resolve_time, signal_count, last_signal_time, level_start_time)
      SELECT id, monitored_service_id, escalation_policy_id, message, details, dedup_key, state,
        current_level, acknowledged_by, levels, create_time, acknowledge_time, resolve_time,
        signal_count, last_signal_time, level_start_time
        FROM json_to_recordset(${param}::json) AS x (${ALERT_ROW})`,
    rows: ({ decision: { alert: a } }) => [
      {
        id: a.id,
        monitored_service_id: a.monitoredServiceId,
        escalation_policy_id: a.escalationPolicyId,
        message: a.message,
        details: a.details,
        dedup_key: a.dedupKey,
        state: a.state,
        current_level: a.currentLevel,
        acknowledged_by: a.acknowledgedBy,
        levels: a.levels,
        create_time: isoTime(a.createTime),
        acknowledge_time: isoTime(a.acknowledgeTime),
        resolve_time: isoTime(a.resolveTime),
        signal_count: a.signalCount,
        last_signal_time: isoTime(a.lastSignalTime),
        level_start_time: isoTime(a.levelStartTime),
      },
    ],
  },
  {
    bit: 2,
    wanted: (w) => w.decision.changed && !w.alertIsNew,
    // Only what events change; the rest of an alert never moves.
    sql: (param) => `UPDATE alerts a SET state = x.state, current_level = x.current_level,
        acknowledged_by = x.acknowledged_by, acknowledge_time = x.acknowledge_time,
        resolve_time = x.resolve_time, signal_count = x.signal_count,
        last_signal_time = x.last_signal_time, level_start_time = x.level_start_time
        FROM json_to_recordset(${param}::json) AS x (id uuid, state text,
             current_level integer, acknowledged_by text, acknowledge_time timestamptz,
             resolve_time timestamptz, signal_count integer, last_signal_time timestamptz,
             level_start_time timestamptz)
       WHERE a.id = x.id`,
    rows: ({ decision: { alert: a } }) => [
      {
        id: a.id,
        state: a.state,
        current_level: a.currentLevel,
        acknowledged_by: a.acknowledgedBy,
        acknowledge_time: isoTime(a.acknowledgeTime),
        resolve_time: isoTime(a.resolveTime),
        signal_count: a.signalCount,
        last_signal_time: isoTime(a.lastSignalTime),
        level_start_time: isoTime(a.levelStartTime),
      },
    ],
  },
  {
    bit: 4,
    wanted: (w) => w.decision.changed && w.decision.service !== w.before,
    // Alert events change only these columns of a service.
    sql: (param) => `UPDATE monitored_services s SET health = x.health,
        active_alert_id = x.active_alert_id, update_time = x.update_time
        FROM json_to_recordset(${param}::json)
             AS x (id uuid, health text, active_alert_id uuid, update_time timestamptz)
       WHERE s.id = x.id`,
    rows: ({ decision: { service: s } }) => [
      {
        id: s.id,
        health: s.health,
        active_alert_id: s.activeAlertId,
        update_time: isoTime(s.updateTime),
      },
    ],
  },
  {
    bit: 8,
    wanted: (w) => w.consumedTimer !== null,
    sql: (param) => `DELETE FROM ack_timers t
       USING json_to_recordset(${param}::json)
             AS x (alert_id uuid, level integer, keep_cancelled boolean)
       WHERE t.alert_id = x.alert_id AND t.level = x.level
         AND (t.cancel_time IS NULL OR NOT x.keep_cancelled)`,
    rows: ({ consumedTimer: timer }) => [
      { alert_id: timer?.alertId, level: timer?.level, keep_cancelled: timer?.keepCancelled },
    ],
  },
  {
    bit: 16,
    wanted: (w) => w.decision.changed && w.decision.cancelTimers,
    // A timer no process has in hand is deleted; one handed to a timer service
    // (or being handed, or fired, right now) is marked cancelled instead, for
    // the relay to cancel it there and then delete it. Both parts see the same
    // snapshot, so the UPDATE skips exactly the rows the DELETE removes.
    sql: (param) => `DELETE FROM ack_timers t
       USING json_to_recordset(${param}::json) AS x (alert_id uuid, now timestamptz)
       WHERE t.alert_id = x.alert_id AND t.delivered_time IS NULL
         AND (t.claimed_until IS NULL OR t.claimed_until < x.now)
      RETURNING t.alert_id, t.level),
    cancelled AS (
      UPDATE ack_timers t SET cancel_time = x.now
        FROM json_to_recordset(${param}::json) AS x (alert_id uuid, now timestamptz)
       WHERE t.alert_id = x.alert_id AND t.cancel_time IS NULL
         AND NOT EXISTS (SELECT 1 FROM w16 d WHERE d.alert_id = t.alert_id AND d.level = t.level)`,
    rows: (w) => [{ alert_id: w.decision.alert.id, now: isoTime(w.now) }],
  },
  {
    bit: 32,
    wanted: (w) => w.decision.changed && w.decision.pages.length > 0,
    // ON CONFLICT DO NOTHING on (alert, level, target): the constraint, not
    // luck, guarantees one page per target and step even if a decision repeats.
    sql: (param) => `INSERT INTO notifications (id, alert_id, level, target, target_key, state,
        create_time, next_attempt_time)
      SELECT n.id, n.alert_id, n.level, n.target, n.target_key, 'pending', n.now, n.now
        FROM json_to_recordset(${param}::json) AS n (id uuid, alert_id uuid, level integer,
             target jsonb, target_key text, now timestamptz)
      ON CONFLICT DO NOTHING`,
    rows: (w) =>
      w.decision.pages.map((page) => ({
        id: page.id,
        alert_id: w.decision.alert.id,
        level: page.level,
        target: page.target,
        target_key: targetKey(page.target),
        now: isoTime(w.now),
      })),
  },
  {
    bit: 64,
    wanted: (w) => w.decision.changed && w.decision.timer !== null,
    sql: (param) => `INSERT INTO ack_timers (alert_id, level, fire_time)
      SELECT alert_id, level, fire_time
        FROM json_to_recordset(${param}::json)
             AS x (alert_id uuid, level integer, fire_time timestamptz)
      ON CONFLICT DO NOTHING`,
    rows: ({ decision: { timer } }) => [
      {
        alert_id: timer?.alertId,
        level: timer?.level,
        fire_time: isoTime(timer?.fireTime ?? null),
      },
    ],
  },
  {
    bit: 128,
    wanted: (w) => w.decision.events.length > 0,
    // In the batch's order, so seq follows the order the decisions listed them.
    sql: (param) => insertEventsSql(param),
    rows: (w) => w.decision.events.map(eventRecord),
  },
];

const statements = new Map<number, NamedStatement>();

/**
 * Everything a batch of decisions produced as one statement of
 * data-modifying CTEs: the alerts, the services, the outbox rows, the timers
 * and the timeline entries. The decisions are about distinct services (and
 * so distinct alerts), so no row is written twice. Foreign keys are checked
 * at the end of the statement, so rows may reference the alerts it inserts.
 * Null when the decisions write nothing.
 */
export function decisionWriteStatement(
  writes: readonly DecisionWrite[],
): { statement: NamedStatement; values: string[] } | null {
  const parts = PARTS.filter((part) => writes.some(part.wanted));
  if (parts.length === 0) return null;
  const shape = parts.reduce((bits, part) => bits | part.bit, 0);
  let statement = statements.get(shape);
  if (statement === undefined) {
    statement = { name: `pager_write_${shape}`, text: writeSql(parts) };
    statements.set(shape, statement);
  }
  const values = parts.map((part) => JSON.stringify(writes.filter(part.wanted).flatMap(part.rows)));
  return { statement, values };
}

function writeSql(parts: readonly WritePart[]): string {
  const ctes = parts.map((part, i) => `w${part.bit} AS (${part.sql(`$${i + 1}`)})`);
  return `WITH ${ctes.join(",\n")}\nSELECT 1`;
}
