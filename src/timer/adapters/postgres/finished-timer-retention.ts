import type { DataSource } from "typeorm";
import type { DeletedBatch, RetentionStore } from "../../../platform/workers/retention-sweep.js";

/**
 * Retention's SQL for the timer service: one statement deletes a batch of
 * the timers that finished (fired, failed or cancelled) longest ago; a
 * scheduled or firing timer never qualifies, and SKIP LOCKED passes over a
 * row another replica holds.
 */
export class PostgresFinishedTimerRetention implements RetentionStore {
  constructor(private readonly dataSource: DataSource) {}

  async deleteBatch(cutoff: Date, limit: number): Promise<DeletedBatch> {
    const [row]: { timers: number }[] = await this.dataSource.query(
      `WITH doomed AS (
         SELECT timer_id FROM timer.timers
          WHERE state IN ('fired', 'failed', 'cancelled') AND update_time < $1
          ORDER BY update_time LIMIT $2
          FOR UPDATE SKIP LOCKED),
       gone AS (
         DELETE FROM timer.timers t USING doomed d WHERE t.timer_id = d.timer_id RETURNING 1)
       SELECT count(*)::int AS timers FROM gone`,
      [cutoff, limit],
    );
    const timers = row?.timers ?? 0;
    return { batch: timers, tables: { timers } };
  }
}
