import type { DataSource } from "typeorm";
import type { DeletedBatch, RetentionStore } from "../../../platform/workers/retention-sweep.js";

interface DeletedRow {
  alerts: number;
  notifications: number;
  ack_timers: number;
  alert_events: number;
}

/**
 * Retention's SQL for the pager: one statement deletes a batch of the oldest
 * resolved alerts with their pages, timers and timeline entries. Only
 * resolved alerts qualify, so an active alert (and its service, which points
 * at it) is never touched; SKIP LOCKED passes over an alert a late callback
 * holds, and no service row is locked at all.
 */
export class PostgresResolvedAlertRetention implements RetentionStore {
  constructor(private readonly dataSource: DataSource) {}

  async deleteBatch(cutoff: Date, limit: number): Promise<DeletedBatch> {
    const [row]: DeletedRow[] = await this.dataSource.query(
      `WITH doomed AS (
         SELECT id FROM alerts
          WHERE state = 'resolved' AND resolve_time < $1
          ORDER BY resolve_time LIMIT $2
          FOR UPDATE SKIP LOCKED),
       notifications_gone AS (
         DELETE FROM notifications n USING doomed d WHERE n.alert_id = d.id RETURNING 1),
       timers_gone AS (
         DELETE FROM ack_timers t USING doomed d WHERE t.alert_id = d.id RETURNING 1),
       events_gone AS (
         DELETE FROM alert_events e USING doomed d WHERE e.alert_id = d.id RETURNING 1),
       alerts_gone AS (
         DELETE FROM alerts a USING doomed d WHERE a.id = d.id RETURNING 1)
       SELECT (SELECT count(*) FROM alerts_gone)::int AS alerts,
              (SELECT count(*) FROM notifications_gone)::int AS notifications,
              (SELECT count(*) FROM timers_gone)::int AS ack_timers,
              (SELECT count(*) FROM events_gone)::int AS alert_events`,
      [cutoff, limit],
    );
    const tables = row ?? { alerts: 0, notifications: 0, ack_timers: 0, alert_events: 0 };
    return { batch: tables.alerts, tables: { ...tables } };
  }
}
