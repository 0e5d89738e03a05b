import { type DataSource, MoreThan } from "typeorm";
import type { ListCursor } from "../../../platform/listing/list-cursor.js";
import type { TimerFilter, TimerStore } from "../../app/ports.js";
import type { Timer } from "../../domain/timer.js";
import { DUE_CHANNEL } from "./due-time-listener.js";
import { TimerEntity, type TimerRow } from "./timer-entity.js";

/** Timers in PostgreSQL, as the API reads and writes them. */
export class TypeormTimerStore implements TimerStore {
  private readonly repo;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(TimerEntity);
  }

  /**
   * One statement inserts and, only when it did, notifies the due channel
   * with the fire time; PostgreSQL delivers the notification at commit, so
   * no replica wakes for a timer it cannot see yet.
   */
  async insertIfAbsent(timer: Timer): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH inserted AS (
         INSERT INTO timer.timers (timer_id, fire_time, delay_ms, endpoint, method, request, state,
                                   attempts, last_error, create_time, update_time, next_attempt_time,
                                   metadata)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $14)
         ON CONFLICT (timer_id) DO NOTHING
         RETURNING next_attempt_time)
       SELECT pg_notify($13, (extract(epoch FROM next_attempt_time) * 1000)::bigint::text)
         FROM inserted`,
      [
        timer.id,
        timer.fireTime,
        timer.delayMs,
        timer.callback.endpoint,
        timer.callback.method,
        Buffer.from(timer.callback.request),
        timer.state,
        timer.attempts,
        timer.lastError,
        timer.createTime,
        timer.updateTime,
        timer.nextAttemptTime,
        DUE_CHANNEL,
        JSON.stringify(timer.callback.metadata),
      ],
    );
    return rows.length === 1;
  }

  async get(id: string): Promise<Timer | null> {
    const row = await this.repo.findOneBy({ id });
    return row === null ? null : toTimer(row);
  }

  async list(filter: TimerFilter, page: ListCursor): Promise<Timer[]> {
    const rows = await this.repo.find({
      where: {
        ...(page.after === null ? {} : { id: MoreThan(page.after) }),
        ...(filter.state === null ? {} : { state: filter.state }),
      },
      order: { id: "ASC" },
      take: page.limit,
    });
    return rows.map(toTimer);
  }

  async cancel(id: string, now: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE timer.timers SET state = 'cancelled', next_attempt_time = NULL, claimed_until = NULL,
              update_time = $2
        WHERE timer_id = $1 AND state IN ('scheduled', 'firing')`,
      [id, now],
    );
  }
}

/** Drops the claim, which is bookkeeping of the firing loop, not part of the timer. */
function toTimer(row: TimerRow): Timer {
  return {
    id: row.id,
    fireTime: row.fireTime,
    delayMs: row.delayMs,
    callback: {
      endpoint: row.endpoint,
      method: row.method,
      request: new Uint8Array(row.request),
      metadata: row.metadata,
    },
    state: row.state,
    attempts: row.attempts,
    lastError: row.lastError,
    createTime: row.createTime,
    updateTime: row.updateTime,
    nextAttemptTime: row.nextAttemptTime,
  };
}
