import { resourceExhausted, unavailable } from "../../platform/errors/domain-error.js";
import { type LoopErrorHandler, PollingLoop } from "../../platform/workers/polling-loop.js";
import { AlertWatch } from "./alert-watch.js";
import { comparePositions, type FeedPosition } from "./feed-position.js";
import type { AlertChangeLog } from "./ports.js";

/** How the feed paces itself and what it holds. */
export interface AlertChangeFeedOptions {
  /** Longest wait before a change committed by another replica is read. */
  readonly pollMs: number;
  /** Open watches this process serves at most. */
  readonly maxWatches: number;
  /** Changes read per round. */
  readonly batchSize: number;
  /** Changes one watch may hold for a slow client before it is ended. */
  readonly maxBacklog: number;
}

/** When a client refused for lack of room may try again. */
const RETRY_FULL_MS = 5000;
/** First retry when committed changes wait for an older transaction; doubles up to `pollMs`. */
const FIRST_PENDING_RETRY_MS = 10;

/**
 * One reader of the change log per process, shared by every watch that has
 * caught up with it: however many consoles watch, a replica reads the log
 * once per round. It reads at once when this process commits a change
 * (`wake`), and every `pollMs` for changes other replicas commit. Polling
 * was chosen over LISTEN/NOTIFY: a NOTIFY in every alert transaction would
 * take a database-wide lock at each commit, on the hot path, to spare a
 * cheap index probe a few times a second, made only while someone watches.
 * A new or resumed watch first reads the log by itself until it reaches the
 * feed's position, then joins it.
 */
export class AlertChangeFeed {
  private readonly open = new Set<AlertWatch>();
  private readonly attached = new Set<AlertWatch>();
  /** Where the shared reader stands; null while no watch is attached. */
  private position: FeedPosition | null = null;
  private pendingRetryMs = FIRST_PENDING_RETRY_MS;
  private closed = false;
  private readonly loop: PollingLoop;

  constructor(
    readonly log: AlertChangeLog,
    readonly options: AlertChangeFeedOptions,
    onError: LoopErrorHandler,
  ) {
    this.loop = new PollingLoop({ tick: () => this.tick() }, onError);
  }

  start(): void {
    this.loop.start();
  }

  /** This process committed changes: read them now rather than at the next poll. */
  wake(): void {
    if (this.attached.size > 0) this.loop.wake();
  }

  /** Registers a new stream; refused while closing or when this process serves its limit. */
  openWatch(monitoredServiceId: string | null): AlertWatch {
    if (this.closed) throw shuttingDown();
    if (this.open.size >= this.options.maxWatches) {
      throw resourceExhausted(
        "TOO_MANY_WATCHES",
        `this server already serves ${this.options.maxWatches} watches (PAGER_MAX_WATCHES); retry later or on another replica`,
        RETRY_FULL_MS,
      );
    }
    const watch = new AlertWatch(monitoredServiceId, { xid: 0n, seq: 0n }, this.options.maxBacklog);
    this.open.add(watch);
    return watch;
  }

  /**
   * Hands a watch that has read up to the shared reader over to it; false
   * while the watch is still behind and must read on by itself. Synchronous,
   * so no round can slip between the comparison and the hand-over.
   */
  tryAttach(watch: AlertWatch): boolean {
    if (this.position !== null && comparePositions(watch.position, this.position) < 0) {
      return false;
    }
    this.position ??= watch.position;
    this.attached.add(watch);
    return true;
  }

  /** Forgets a stream that ended. */
  closeWatch(watch: AlertWatch): void {
    this.open.delete(watch);
    this.attached.delete(watch);
  }

  /**
   * Ends every open stream (UNAVAILABLE: clients resume elsewhere with their
   * last token) and stops reading, so a graceful shutdown never waits for
   * watches that would otherwise stay open for ever.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const watch of this.open) watch.end(shuttingDown());
    await this.loop.stop();
  }

  private async tick(): Promise<number> {
    const from = this.position;
    if (from === null || this.attached.size === 0) {
      this.position = null;
      return this.options.pollMs;
    }
    const batch = await this.log.readAfter(from, this.options.batchSize);
    for (const watch of this.attached) watch.offer(batch);
    this.position = batch.position;
    if (batch.full) return 0;
    if (!batch.pending) {
      this.pendingRetryMs = FIRST_PENDING_RETRY_MS;
      return this.options.pollMs;
    }
    // Committed changes wait for an older transaction: usually milliseconds.
    const delay = batch.changes.length > 0 ? FIRST_PENDING_RETRY_MS : this.pendingRetryMs;
    this.pendingRetryMs = Math.min(delay * 2, this.options.pollMs);
    return delay;
  }
}

function shuttingDown() {
  return unavailable(
    "SHUTTING_DOWN",
    "the server is shutting down; reconnect with the last resume_token to continue",
  );
}
