import type { EntityManager } from "typeorm";
import type { ListCursor } from "../../../platform/listing/list-cursor.js";
import type { AlertEventStore } from "../../app/ports.js";
import type { AlertEvent, NewAlertEvent } from "../../domain/alert-event.js";
import {
  type AlertEventRow,
  EVENT_COLUMNS,
  eventRecords,
  insertEventsSql,
  toAlertEvent,
} from "./alert-event-rows.js";

const INSERT_EVENTS = insertEventsSql("$1");

/** The timeline in PostgreSQL, written in the caller's transaction. */
export class PostgresAlertEventStore implements AlertEventStore {
  constructor(private readonly manager: EntityManager) {}

  async append(events: readonly NewAlertEvent[]): Promise<void> {
    await this.manager.query(INSERT_EVENTS, [eventRecords(events)]);
  }

  /** Keyset by (xid, seq) of the entry named by `page.after`, the timeline's commit order. */
  async list(alertId: string, page: ListCursor): Promise<AlertEvent[]> {
    const rows: AlertEventRow[] = await this.manager.query(
      `SELECT ${EVENT_COLUMNS} FROM alert_events e
        WHERE e.alert_id = $1
          AND ($2::bigint IS NULL
               OR (e.xid, e.seq) > (SELECT xid, seq FROM alert_events WHERE seq = $2::bigint))
        ORDER BY e.xid, e.seq LIMIT $3`,
      [alertId, page.after, page.limit],
    );
    return rows.map(toAlertEvent);
  }
}
