import { resourceExhausted } from "../../platform/errors/domain-error.js";
import { comparePositions, type FeedPosition } from "./feed-position.js";
import type { AlertChange, ChangeBatch } from "./ports.js";

/**
 * One open WatchAlerts stream as the feed sees it: where it stands, and the
 * changes it still has to send. The feed offers every batch it reads; the
 * stream takes them at its client's pace. A client that falls too far behind
 * is ended rather than allowed to grow the server's memory: it resumes from
 * its last token and catches up from the database.
 */
export class AlertWatch {
  private readonly backlog: AlertChange[] = [];
  private wakeReader: (() => void) | null = null;
  private failure: unknown = null;

  constructor(
    /** Only changes of this service are streamed; null: every service. */
    readonly monitoredServiceId: string | null,
    /** Every change up to here has been sent, or read into the backlog. */
    public position: FeedPosition,
    private readonly maxBacklog: number,
  ) {}

  /** Whether this watch streams `change`. */
  wants(change: AlertChange): boolean {
    return (
      this.monitoredServiceId === null ||
      change.event.monitoredServiceId === this.monitoredServiceId
    );
  }

  /** Takes what a read of the log found beyond this watch's position. */
  offer(batch: ChangeBatch): void {
    if (this.failure !== null) return;
    for (const change of batch.changes) {
      if (comparePositions(change.position, this.position) > 0 && this.wants(change)) {
        this.backlog.push(change);
      }
    }
    if (comparePositions(batch.position, this.position) > 0) this.position = batch.position;
    if (this.backlog.length > this.maxBacklog) {
      this.end(
        resourceExhausted(
          "WATCH_CLIENT_TOO_SLOW",
          `more than ${this.maxBacklog} changes waited for this stream's client; reconnect with the last resume_token to catch up`,
          0,
        ),
      );
      return;
    }
    this.wakeReader?.();
  }

  /** Ends the stream with `error`, dropping what it had not sent: a resume sends it again. */
  end(error: unknown): void {
    this.failure ??= error;
    this.backlog.length = 0;
    this.wakeReader?.();
  }

  /** Throws the error the watch was ended with, if it was. */
  throwIfEnded(): void {
    if (this.failure !== null) throw this.failure;
  }

  /**
   * The next change; null when `quietMs` passed without one, so the stream
   * can tell its client it is alive. Throws once the watch was ended or the
   * client went away.
   */
  async next(signal: AbortSignal, quietMs: number): Promise<AlertChange | null> {
    for (;;) {
      this.throwIfEnded();
      signal.throwIfAborted();
      const change = this.backlog.shift();
      if (change !== undefined) return change;
      const woken = await new Promise<boolean>((resolve) => {
        const done = (result: boolean) => {
          clearTimeout(timer);
          signal.removeEventListener("abort", onAbort);
          this.wakeReader = null;
          resolve(result);
        };
        const onAbort = () => done(true);
        const timer = setTimeout(() => done(false), quietMs);
        signal.addEventListener("abort", onAbort, { once: true });
        this.wakeReader = () => done(true);
      });
      if (!woken) return null;
    }
  }
}
