import { type DataSource, In, Not } from "typeorm";
import { comparePositions, type FeedPosition } from "../../app/feed-position.js";
import type { AlertChangeLog, ChangeBatch } from "../../app/ports.js";
import type { Alert } from "../../domain/alert.js";
import { type AlertEventRow, EVENT_COLUMNS, toAlertEvent } from "./alert-event-rows.js";
import { AlertEntity } from "./entities/alert-entity.js";

/**
 * CTEs ending in `frontier (xmin)`: the lowest transaction id that may still
 * commit rows of this database, as of the statement's snapshot. Like the
 * snapshot's own xmin, but transactions that pg_stat_activity shows running
 * in another database are left out: a long transaction elsewhere on a shared
 * server cannot write our tables, and must not hold live updates back. An
 * id the view does not show (ended since, or hidden for lack of privilege)
 * is kept, which errs on the side of waiting, never of skipping.
 */
const FRONTIER = `
  elsewhere AS MATERIALIZED (
    SELECT backend_xid FROM pg_stat_activity
     WHERE backend_xid IS NOT NULL AND datid IS NOT NULL
       AND datid <> (SELECT oid FROM pg_database WHERE datname = current_database())),
  frontier AS MATERIALIZED (
    SELECT coalesce(min(x), pg_snapshot_xmax(pg_current_snapshot())) AS xmin
      FROM pg_snapshot_xip(pg_current_snapshot()) x
     WHERE xid(x) NOT IN (SELECT backend_xid FROM elsewhere))`;

interface ChangeRow extends Partial<AlertEventRow> {
  frontier: string;
  pending: boolean;
  xid: string | null;
}

/**
 * The change log on alert_events. Only rows whose transaction id is below
 * the frontier of the reading statement's snapshot are read: every
 * transaction of this database with a smaller id has ended, so no row can
 * later appear before the position a read returns, whatever commits on
 * whichever replica. The
 * alerts the changes are about are read after them, so each change carries
 * its alert as it is now, never older than the change.
 */
export class PostgresAlertChangeLog implements AlertChangeLog {
  constructor(private readonly dataSource: DataSource) {}

  snapshot(
    monitoredServiceId: string | null,
  ): Promise<{ alerts: Alert[]; position: FeedPosition }> {
    // One REPEATABLE READ snapshot: the alerts are exactly as of the position.
    return this.dataSource.transaction("REPEATABLE READ", async (manager) => {
      const [row]: { xmin: string }[] = await manager.query(
        `WITH ${FRONTIER} SELECT xmin::text AS xmin FROM frontier`,
      );
      const alerts = await manager.getRepository(AlertEntity).find({
        where: {
          state: Not("resolved" as const),
          ...(monitoredServiceId === null ? {} : { monitoredServiceId }),
        },
        order: { id: "ASC" },
      });
      return { alerts, position: { xid: BigInt(row?.xmin ?? "0"), seq: 0n } };
    });
  }

  async readAfter(after: FeedPosition, limit: number): Promise<ChangeBatch> {
    const rows: ChangeRow[] = await this.dataSource.query(
      `WITH ${FRONTIER},
       waiting AS MATERIALIZED (
         SELECT EXISTS (SELECT 1 FROM alert_events p, frontier f WHERE p.xid >= f.xmin) AS pending)
       SELECT f.xmin::text AS frontier, w.pending, e.xid::text AS xid, ${EVENT_COLUMNS}
         FROM frontier f CROSS JOIN waiting w
         LEFT JOIN LATERAL (
           SELECT * FROM alert_events e
            WHERE (e.xid, e.seq) > ($1::text::xid8, $2::bigint) AND e.xid < f.xmin
            ORDER BY e.xid, e.seq LIMIT $3) e ON true
        ORDER BY e.xid, e.seq`,
      [after.xid.toString(), after.seq.toString(), limit],
    );
    const first = rows[0];
    if (first === undefined) throw new Error("the change log query returned no frontier");
    const events = rows.flatMap((row) =>
      row.xid === null ? [] : [{ xid: BigInt(row.xid), row: row as AlertEventRow }],
    );
    const alerts = await this.alertsById(events.map(({ row }) => row.alert_id));
    const changes = events.map(({ xid, row }) => ({
      position: { xid, seq: BigInt(row.seq) },
      event: toAlertEvent(row),
      alert: alerts.get(row.alert_id) ?? null,
    }));
    const full = changes.length === limit;
    const last = changes[changes.length - 1];
    const reached =
      full && last !== undefined ? last.position : { xid: BigInt(first.frontier), seq: 0n };
    return {
      changes,
      // Never backwards, even from a position the client made up.
      position: comparePositions(reached, after) > 0 ? reached : after,
      full,
      pending: first.pending,
    };
  }

  async bounds(): Promise<{ horizon: FeedPosition; newest: FeedPosition }> {
    const [row]: { xid: string; seq: string; newest: string }[] = await this.dataSource.query(
      `SELECT xid::text AS xid, seq::text AS seq,
              pg_snapshot_xmax(pg_current_snapshot())::text AS newest
         FROM alert_event_horizon`,
    );
    if (row === undefined) throw new Error("alert_event_horizon has no row");
    return {
      horizon: { xid: BigInt(row.xid), seq: BigInt(row.seq) },
      newest: { xid: BigInt(row.newest), seq: 0n },
    };
  }

  private async alertsById(ids: readonly string[]): Promise<Map<string, Alert>> {
    if (ids.length === 0) return new Map();
    const alerts = await this.dataSource
      .getRepository(AlertEntity)
      .findBy({ id: In([...new Set(ids)]) });
    return new Map(alerts.map((alert) => [alert.id, alert]));
  }
}
