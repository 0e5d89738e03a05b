import type { Clock } from "../time/clock.js";
import type { WorkerLog } from "./worker-log.js";

/** The two lines of an outage: while it lasts, and when it ends. */
export interface OutageMessages {
  /** Logged as a warning on the first failure, then as each summary. */
  readonly failing: string;
  /** Logged at info once something works again after failures. */
  readonly recovered: string;
}

/** How often a summary may be logged while an outage lasts, unless told otherwise. */
export const DEFAULT_OUTAGE_SUMMARY_MS = 30_000;

interface Outage {
  readonly sinceMs: number;
  lastLineMs: number;
  /** Failures since the last line about this outage. */
  unreported: number;
  total: number;
}

/**
 * Logs a dependency that keeps failing without flooding the log: the first
 * failure as a warning with its details, then at most one summary per
 * interval with the count of failures since the previous line, and one info
 * line when a call works again. A worker that retries every few hundred
 * milliseconds would otherwise write hundreds of identical warnings per
 * outage and bury everything else. Outages are kept per key (a callback
 * endpoint, say), so one dependency recovering does not hide another one
 * that is still down.
 */
export class OutageLog {
  private readonly outages = new Map<string, Outage>();

  constructor(
    private readonly log: Pick<WorkerLog, "info" | "warn">,
    private readonly clock: Clock,
    private readonly messages: OutageMessages,
    private readonly summaryMs = DEFAULT_OUTAGE_SUMMARY_MS,
  ) {}

  /** `count` calls to `key` failed; `fields` describe the latest (a reason, the endpoint). */
  failed(key: string, fields: object, count = 1): void {
    const nowMs = this.clock.now().getTime();
    const outage = this.outages.get(key);
    if (outage === undefined) {
      this.outages.set(key, { sinceMs: nowMs, lastLineMs: nowMs, unreported: 0, total: count });
      this.log.warn({ ...fields, failures: count }, this.messages.failing);
      return;
    }
    outage.unreported += count;
    outage.total += count;
    if (nowMs - outage.lastLineMs < this.summaryMs) return;
    this.log.warn(
      { ...fields, failures: outage.unreported, outage_ms: nowMs - outage.sinceMs },
      this.messages.failing,
    );
    outage.unreported = 0;
    outage.lastLineMs = nowMs;
  }

  /** A call to `key` worked: ends its outage, if there was one, with a line saying so. */
  succeeded(key: string, fields: object = {}): void {
    const outage = this.outages.get(key);
    if (outage === undefined) return;
    this.outages.delete(key);
    const nowMs = this.clock.now().getTime();
    this.log.info(
      { ...fields, failures_total: outage.total, outage_ms: nowMs - outage.sinceMs },
      this.messages.recovered,
    );
  }
}
