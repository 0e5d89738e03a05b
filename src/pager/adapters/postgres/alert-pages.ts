import type pg from "pg";
import type { ListCursor } from "../../../platform/listing/list-cursor.js";
import type { AlertFilter, AlertPages } from "../../app/ports.js";
import type { Alert } from "../../domain/alert.js";
import { ALERT_COLUMNS, type AlertColumns, toAlert } from "./alert-columns-sql.js";
import type { NamedStatement } from "./locked-state-sql.js";

interface ListedRow extends AlertColumns {
  a_id: string;
  a_service_id: string;
}

/** The parts a list statement has, as bits: one named statement per shape, sixteen at most. */
const AFTER = 1;
const SERVICE = 2;
const STATE = 4;
const DESCENDING = 8;

/**
 * Alert lists on raw `pg`, outside any transaction (one statement reads one
 * snapshot). The console opens on this list and every open tab reloads it:
 * a named statement of exactly the alert's columns costs the server a
 * fraction of what building the same query and hydrating its entities did.
 */
export class PgAlertPages implements AlertPages {
  /** `pool` may be shared: each page holds a connection for one statement only. */
  constructor(private readonly pool: pg.Pool) {}

  async list(filter: AlertFilter, page: ListCursor): Promise<Alert[]> {
    const values: unknown[] = [];
    let shape = page.descending === true ? DESCENDING : 0;
    if (page.after !== null) {
      shape |= AFTER;
      values.push(page.after);
    }
    if (filter.monitoredServiceId !== null) {
      shape |= SERVICE;
      values.push(filter.monitoredServiceId);
    }
    if (filter.state !== null) {
      shape |= STATE;
      values.push(filter.state);
    }
    values.push(page.limit);
    const { rows } = await this.pool.query<ListedRow>({ ...listStatement(shape), values });
    return rows.map((row) => toAlert(row.a_id, row.a_service_id, row));
  }
}

/**
 * The page after the cursor in id order (time order: ids are UUIDv7), or
 * before it newest first; parameters in the order {@link PgAlertPages.list}
 * binds them, the limit last.
 */
function listStatement(shape: number): NamedStatement {
  const conditions: string[] = [];
  const descending = (shape & DESCENDING) !== 0;
  if ((shape & AFTER) !== 0) conditions.push(`a.id ${descending ? "<" : ">"} $1`);
  if ((shape & SERVICE) !== 0)
    conditions.push(`a.monitored_service_id = $${conditions.length + 1}`);
  if ((shape & STATE) !== 0) conditions.push(`a.state = $${conditions.length + 1}`);
  const where = conditions.length === 0 ? "" : `WHERE ${conditions.join(" AND ")}`;
  return {
    name: `pager_list_alerts_${shape}`,
    text: `SELECT a.id AS a_id, a.monitored_service_id AS a_service_id, ${ALERT_COLUMNS}
      FROM alerts a ${where}
      ORDER BY a.id ${descending ? "DESC" : "ASC"} LIMIT $${conditions.length + 1}`,
  };
}
