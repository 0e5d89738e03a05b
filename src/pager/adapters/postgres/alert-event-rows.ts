import type { Actor } from "../../domain/actor.js";
import type { AlertEvent, AlertEventDetail, NewAlertEvent } from "../../domain/alert-event.js";
import { isoTime } from "./iso-time.js";

/** An alert_events row as SELECTs in this adapter return it. */
export interface AlertEventRow {
  seq: string;
  alert_id: string;
  monitored_service_id: string;
  create_time: Date;
  actor: Actor;
  kind: AlertEventDetail["kind"];
  detail: Record<string, unknown>;
}

/** The columns every read of entries selects, in {@link AlertEventRow}'s shape. */
export const EVENT_COLUMNS =
  "e.seq::text AS seq, e.alert_id, e.monitored_service_id, e.create_time, e.actor, e.kind, e.detail";

/**
 * An INSERT of the entries in the JSON array bound at `param`, in array
 * order, so seq follows the order the decision listed them: every entry, or
 * those that pass `condition` (SQL on `e`). One statement for any number of
 * entries; other statements (a CTE that marks pages delivered) embed it with
 * their own parameter number and keep only the entries of what they changed.
 */
export function insertEventsSql(param: string, condition = "true"): string {
  return `INSERT INTO alert_events (alert_id, monitored_service_id, create_time, actor, kind, detail)
    SELECT e.alert_id, e.monitored_service_id, e.create_time, e.actor, e.kind, e.detail
      FROM ROWS FROM (jsonb_to_recordset(${param}::jsonb) AS (alert_id uuid,
             monitored_service_id uuid, create_time timestamptz, actor jsonb, kind text,
             detail jsonb)) WITH ORDINALITY
           AS e (alert_id, monitored_service_id, create_time, actor, kind, detail, ord)
     WHERE ${condition}
     ORDER BY e.ord`;
}

/** One entry as a row of the JSON array {@link insertEventsSql} reads. */
export function eventRecord({ detail: { kind, ...detail }, ...event }: NewAlertEvent): object {
  return {
    alert_id: event.alertId,
    monitored_service_id: event.monitoredServiceId,
    create_time: isoTime(event.createTime),
    actor: event.actor,
    kind,
    detail,
  };
}

/** Entries as the JSON array {@link insertEventsSql} reads. */
export function eventRecords(events: readonly NewAlertEvent[]): string {
  return JSON.stringify(events.map(eventRecord));
}

/** A row back as the domain's entry; its id is its seq. */
export function toAlertEvent(row: AlertEventRow): AlertEvent {
  return {
    id: row.seq,
    alertId: row.alert_id,
    monitoredServiceId: row.monitored_service_id,
    createTime: row.create_time,
    actor: row.actor,
    detail: { ...row.detail, kind: row.kind } as AlertEventDetail,
  };
}
