import type { Clock } from "../time/clock.js";
import type { LoopBody } from "./polling-loop.js";
import type { WorkerLog } from "./worker-log.js";

/** What one batch deleted. */
export interface DeletedBatch {
  /**
   * How many of the rows the batch is counted in (alerts, timers) went: a
   * full batch means more may be waiting.
   */
  readonly batch: number;
  /** Rows deleted per table, the batch's own table included. */
  readonly tables: Readonly<Record<string, number>>;
}

/**
 * The finished rows a program may forget, and what goes with them. Each call
 * is one short transaction that skips rows others hold locked and never
 * touches anything unfinished: the SQL lives in an adapter.
 */
export interface RetentionStore {
  /** Deletes up to `limit` finished rows that finished before `cutoff`, with their dependants. */
  deleteBatch(cutoff: Date, limit: number): Promise<DeletedBatch>;
}

/** Where deletions are counted (a Prometheus counter by table). */
export interface RetentionMetrics {
  deleted(tables: Readonly<Record<string, number>>): void;
}

/** How long to keep finished rows, and the pace of forgetting them. */
export interface RetentionOptions {
  /** Rows finished longer ago than this are deleted. */
  readonly retentionMs: number;
  /** Rows per batch: each batch is one short transaction. */
  readonly batchSize: number;
  /** Pause between batches while more are waiting, so others get their turn at the locks. */
  readonly pauseMs: number;
  /** Between sweeps once nothing old is left. */
  readonly intervalMs: number;
  /** What the log calls the rows, e.g. "resolved alerts". */
  readonly what: string;
}

/** Rows per batch, and the pause between batches while a backlog drains. */
export const RETENTION_BATCH = { batchSize: 100, pauseMs: 50 } as const;

/** How often a program looks for rows to forget once none are left: often enough, cheap. */
export function retentionInterval(retentionMs: number): number {
  return Math.min(5 * 60_000, retentionMs);
}

/**
 * Keeps a program's tables bounded: finished rows (resolved alerts and their
 * pages, timers and timeline; fired, failed or cancelled timers) older than
 * the retention are deleted in small batches, a pause between them, so no
 * batch holds a lock for long and a backlog of months drains without
 * starving the work that matters. Each sweep's totals are counted in metrics
 * as they go and logged once when the sweep ends.
 */
export class RetentionSweep implements LoopBody {
  private sweep: Record<string, number> = {};

  constructor(
    private readonly deps: {
      readonly store: RetentionStore;
      readonly clock: Clock;
      readonly log: WorkerLog;
      readonly metrics: RetentionMetrics;
    },
    private readonly options: RetentionOptions,
  ) {}

  async tick(): Promise<number> {
    const { retentionMs, batchSize, pauseMs, intervalMs, what } = this.options;
    const cutoff = new Date(this.deps.clock.now().getTime() - retentionMs);
    const deleted = await this.deps.store.deleteBatch(cutoff, batchSize);
    this.deps.metrics.deleted(deleted.tables);
    for (const [table, count] of Object.entries(deleted.tables)) {
      this.sweep[table] = (this.sweep[table] ?? 0) + count;
    }
    if (deleted.batch >= batchSize) return pauseMs;
    const totals = this.sweep;
    this.sweep = {};
    if (Object.values(totals).some((count) => count > 0)) {
      this.deps.log.info(
        { deleted: totals, finished_before: cutoff.toISOString(), retention_ms: retentionMs },
        `deleted ${what} older than the retention`,
      );
    }
    return intervalMs;
  }
}
