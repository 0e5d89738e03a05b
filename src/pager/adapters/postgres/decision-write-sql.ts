import type { DecisionWrite } from "../../app/ports.js";
import { targetKey } from "../../domain/target.js";
import { eventRecords, insertEventsSql } from "./alert-event-rows.js";
import type { NamedStatement } from "./locked-state-sql.js";

/** One part of the write: a data-modifying CTE, written when its decision asks for it. */
interface WritePart {
  /** Bit of the statement's shape, so each shape is one named statement. */
  readonly bit: number;
  readonly wanted: (write: DecisionWrite) => boolean;
  /** The CTE's body, with `p(i)` the i-th of its own parameters. */
  readonly sql: (p: (i: number) => string) => string;
  readonly values: (write: DecisionWrite) => unknown[];
}

const PARTS: readonly WritePart[] = [
  {
    bit: 1,
    wanted: (w) => w.decision.changed && w.alertIsNew,
    sql: (p) => `INSERT INTO alerts (id, monitored_service_id, escalation_policy_id, message,
        details, dedup_key, state, current_level, acknowledged_by, levels, create_time,
        acknowledge_time, resolve_time, signal_count, last_signal_time, level_start_time)
      VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}::jsonb, ${p(6)}, ${p(7)}, ${p(8)},
        ${p(9)}, ${p(10)}::jsonb, ${p(11)}, ${p(12)}::timestamptz, ${p(13)}::timestamptz,
        ${p(14)}, ${p(15)}, ${p(16)})`,
    values: ({ decision: { alert: a } }) => [
      a.id,
      a.monitoredServiceId,
      a.escalationPolicyId,
      a.message,
      JSON.stringify(a.details),
      a.dedupKey,
      a.state,
      a.currentLevel,
      a.acknowledgedBy,
      JSON.stringify(a.levels),
      a.createTime,
      a.acknowledgeTime,
      a.resolveTime,
      a.signalCount,
      a.lastSignalTime,
      a.levelStartTime,
    ],
  },
  {
    bit: 2,
    wanted: (w) => w.decision.changed && !w.alertIsNew,
    // Only what events change; the rest of an alert never moves.
    sql: (p) => `UPDATE alerts SET state = ${p(2)}, current_level = ${p(3)},
        acknowledged_by = ${p(4)}, acknowledge_time = ${p(5)}::timestamptz,
        resolve_time = ${p(6)}::timestamptz, signal_count = ${p(7)}, last_signal_time = ${p(8)},
        level_start_time = ${p(9)}
      WHERE id = ${p(1)}`,
    values: ({ decision: { alert: a } }) => [
      a.id,
      a.state,
      a.currentLevel,
      a.acknowledgedBy,
      a.acknowledgeTime,
      a.resolveTime,
      a.signalCount,
      a.lastSignalTime,
      a.levelStartTime,
    ],
  },
  {
    bit: 4,
    wanted: (w) => w.decision.changed && w.decision.service !== w.before,
    // Alert events change only these columns of a service.
    sql: (p) => `UPDATE monitored_services SET health = ${p(2)},
        active_alert_id = ${p(3)}::uuid, update_time = ${p(4)}
      WHERE id = ${p(1)}`,
    values: ({ decision: { service: s } }) => [s.id, s.health, s.activeAlertId, s.updateTime],
  },
  {
    bit: 8,
    wanted: (w) => w.consumedTimer !== null,
    sql: (p) => `DELETE FROM ack_timers WHERE alert_id = ${p(1)} AND level = ${p(2)}
        AND (cancel_time IS NULL OR NOT ${p(3)}::boolean)`,
    values: (w) => [
      w.consumedTimer?.alertId,
      w.consumedTimer?.level,
      w.consumedTimer?.keepCancelled,
    ],
  },
  {
    bit: 16,
    wanted: (w) => w.decision.changed && w.decision.cancelTimers,
    // A timer no process has in hand is deleted; one handed to a timer service
    // (or being handed, or fired, right now) is marked cancelled instead, for
    // the relay to cancel it there and then delete it. Both parts see the same
    // snapshot, so the UPDATE skips exactly the rows the DELETE removes.
    sql: (p) => `DELETE FROM ack_timers WHERE alert_id = ${p(1)} AND delivered_time IS NULL
        AND (claimed_until IS NULL OR claimed_until < ${p(2)})
      RETURNING level),
    cancelled AS (
      UPDATE ack_timers SET cancel_time = ${p(2)}
       WHERE alert_id = ${p(1)} AND cancel_time IS NULL
         AND level NOT IN (SELECT level FROM w16)`,
    values: (w) => [w.decision.alert.id, w.now],
  },
  {
    bit: 32,
    wanted: (w) => w.decision.changed && w.decision.pages.length > 0,
    // ON CONFLICT DO NOTHING on (alert, level, target): the constraint, not
    // luck, guarantees one page per target and step even if a decision repeats.
    sql: (p) => `INSERT INTO notifications (id, alert_id, level, target, target_key, state,
        create_time, next_attempt_time)
      SELECT n.id, ${p(2)}, n.level, n.target, n.target_key, 'pending', ${p(3)}, ${p(3)}
        FROM jsonb_to_recordset(${p(1)}::jsonb)
             AS n (id uuid, level integer, target jsonb, target_key text)
      ON CONFLICT DO NOTHING`,
    values: (w) => [
      JSON.stringify(
        w.decision.pages.map((page) => ({
          id: page.id,
          level: page.level,
          target: page.target,
          target_key: targetKey(page.target),
        })),
      ),
      w.decision.alert.id,
      w.now,
    ],
  },
  {
    bit: 64,
    wanted: (w) => w.decision.changed && w.decision.timer !== null,
    sql: (p) => `INSERT INTO ack_timers (alert_id, level, fire_time)
      VALUES (${p(1)}, ${p(2)}, ${p(3)}) ON CONFLICT DO NOTHING`,
    values: (w) => [w.decision.timer?.alertId, w.decision.timer?.level, w.decision.timer?.fireTime],
  },
  {
    bit: 128,
    wanted: (w) => w.decision.events.length > 0,
    sql: (p) => insertEventsSql(p(1)),
    values: (w) => [eventRecords(w.decision.events)],
  },
];

const statements = new Map<number, NamedStatement>();

/**
 * Everything a decision produced as one statement of data-modifying CTEs:
 * the alert, the service, the outbox rows, the timers and the timeline
 * entries. Foreign keys are checked at the end of the statement, so rows may
 * reference the alert it inserts. Null when the decision writes nothing.
 */
export function decisionWriteStatement(
  write: DecisionWrite,
): { statement: NamedStatement; values: unknown[] } | null {
  const parts = PARTS.filter((part) => part.wanted(write));
  if (parts.length === 0) return null;
  const shape = parts.reduce((bits, part) => bits | part.bit, 0);
  let statement = statements.get(shape);
  if (statement === undefined) {
    statement = { name: `pager_write_${shape}`, text: writeSql(parts) };
    statements.set(shape, statement);
  }
  return { statement, values: parts.flatMap((part) => part.values(write)) };
}

function writeSql(parts: readonly WritePart[]): string {
  let offset = 0;
  const ctes = parts.map((part) => {
    const base = offset;
    let used = 0;
    const body = part.sql((i) => {
      used = Math.max(used, i);
      return `$${base + i}`;
    });
    offset += used;
    return `w${part.bit} AS (${body})`;
  });
  return `WITH ${ctes.join(",\n")}\nSELECT 1`;
}
