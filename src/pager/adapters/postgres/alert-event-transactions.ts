import pg from "pg";
import type { PgPoolCounts } from "../../../platform/metrics/pool-metrics.js";
import { isConnectionLoss } from "../../../platform/postgres/connection-loss.js";
import {
  connectionOptions,
  type DatabaseOptions,
} from "../../../platform/postgres/database-setup.js";
import type {
  AlertEventTransactions,
  AlertSubject,
  DecidedStep,
  DecisionWrite,
  LockedAlertState,
} from "../../app/ports.js";
import { type PendingEvent, takeBatch } from "./alert-event-batch.js";
import { decisionWriteStatement } from "./decision-write-sql.js";
import { KEY_LOOKUP_PLANS } from "./key-lookup-plans.js";
import {
  isStale,
  type LockedRow,
  lockStatement,
  rowOf,
  toLockedState,
} from "./locked-state-sql.js";
import { translate } from "./transaction-runner.js";

/** A batch whose BEGIN and lock statement are on their way: `locked` resolves to the rows it locked. */
interface Opening {
  readonly batch: PendingEvent[];
  readonly locked: Promise<LockedRow[]>;
}

/**
 * Alert events on raw `pg`, in batches: BEGIN and the lock statement go out
 * together, then the write statement and COMMIT (with the next batch's BEGIN
 * and lock statement when events wait: one round trip per batch under load).
 * Events that arrive while every transaction is busy wait and go together in
 * the next one: one lock statement, one write statement and one commit for
 * all of them, so under load the database's per-transaction cost (and the
 * driver's per-statement cost) is paid once per batch, not once per call,
 * while a lone event still runs at once. Both statements are named, so each
 * connection parses them once.
 */
export class PgAlertEventTransactions implements AlertEventTransactions, PgPoolCounts {
  private readonly pool: pg.Pool;
  private readonly waiting: PendingEvent[] = [];
  private running = 0;
  private starting = false;

  /** How many batches run at once: one per connection of the pool. */
  private readonly transactions: number;

  /**
   * The size, name and timeouts the options would give a TypeORM pool;
   * `onIdleError` hears of a connection that failed while idle.
   */
  constructor(options: DatabaseOptions, onIdleError: (error: Error) => void) {
    const { url, applicationName, extra } = connectionOptions(
      { ...options, sessionSettings: KEY_LOOKUP_PLANS },
      "pager",
    );
    this.transactions = options.poolSize;
    this.pool = new pg.Pool({
      ...extra,
      connectionString: url,
      application_name: applicationName,
      pipeline: true,
    });
    this.pool.on("error", onIdleError);
  }

  /** For the pool metrics: connections open. */
  get totalCount(): number {
    return this.pool.totalCount;
  }

  /** For the pool metrics: connections with no transaction. */
  get idleCount(): number {
    return this.pool.idleCount;
  }

  /** For the pool metrics: events waiting for a transaction, the queue a storm builds. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  run<T>(subject: AlertSubject, decide: (locked: LockedAlertState) => DecidedStep<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({
        subject,
        decide,
        resolve: resolve as (result: unknown) => void,
        reject,
        alone: false,
      });
      // Not at once: the calls that arrived in the same turn of the event loop (read off
      // the socket together) go in one batch, without waiting for any timer.
      if (!this.starting) {
        this.starting = true;
        setImmediate(() => {
          this.starting = false;
          this.startBatches();
        });
      }
    });
  }

  private startBatches(): void {
    while (this.running < this.transactions && this.waiting.length > 0) {
      const batch = takeBatch(this.waiting);
      this.running += 1;
      void this.runLane(batch).finally(() => {
        this.running -= 1;
        this.startBatches();
      });
    }
  }

  /**
   * Runs batches on one connection for as long as events keep coming: when
   * events wait by the time a batch writes, the next batch's BEGIN and lock
   * statement go out with this one's write and COMMIT, so under load a
   * transaction costs one round trip to the database, not two.
   */
  private async runLane(first: PendingEvent[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      for (const event of first) event.reject(translate(error));
      return;
    }
    let broken: Error | undefined;
    // A connection the server ends between two statements (a restart: 57P01) emits "error"
    // outside any query; it fails the transaction's next statement, and the connection is
    // dropped, not reused.
    const lost = (error: Error) => {
      broken = error;
    };
    client.on("error", lost);
    try {
      let opening: Opening | null = corked(client, () => this.open(client, first));
      while (opening !== null) {
        const { batch, locked } = opening;
        try {
          const rows = await this.freshRows(client, batch, await locked);
          opening = await this.decideAndWrite(client, batch, rows);
        } catch (error) {
          // Its lock or its reread failed, or it failed before its write went out: the
          // transaction is open. A connection whose ROLLBACK failed is in an unknown state:
          // dropped, not reused.
          await client.query("ROLLBACK").catch((rollbackError: Error) => {
            broken = rollbackError;
          });
          this.failed(batch, error);
          return;
        }
      }
    } finally {
      client.removeListener("error", lost);
      client.release(broken);
    }
  }

  /**
   * Queues BEGIN and the batch's lock statement, pipelined (at once: an async
   * function runs up to its first await), failing only through `locked`.
   */
  private open(client: pg.PoolClient, batch: PendingEvent[]): Opening {
    const locked = (async () => {
      const lock = lockStatement(batch.map((event) => event.subject));
      const [, read] = await settled([
        client.query("BEGIN"),
        client.query<LockedRow>({ ...lock.statement, values: lock.values }),
      ]);
      return (read as pg.QueryResult<LockedRow>).rows;
    })();
    return { batch, locked };
  }

  /**
   * A batch that failed wrote nothing. Unless the database is gone for all
   * of them, its events run again each in a transaction of its own, so one
   * event's failure (a constraint, a lock it waited too long for) is that
   * event's answer and nobody else's.
   */
  private failed(batch: readonly PendingEvent[], error: unknown): void {
    const open = batch.filter((event) => !event.answered);
    if (open.length > 1 && !isConnectionLoss(error)) {
      for (const event of open) event.alone = true;
      this.waiting.unshift(...open);
      // A lane that is free takes them now, not when this one next writes.
      this.startBatches();
      return;
    }
    for (const event of open) event.reject(translate(error));
  }

  /**
   * Decides the batch on the rows it locked, then writes and commits it,
   * with the next batch's opening in the same socket write when events
   * wait. A write or commit that fails ends only this transaction (a COMMIT
   * after a failed statement rolls back), so the next batch goes on.
   */
  private async decideAndWrite(
    client: pg.PoolClient,
    batch: readonly PendingEvent[],
    rows: LockedRow[],
  ): Promise<Opening | null> {
    const decided: { event: PendingEvent; result: unknown }[] = [];
    const deferred: PendingEvent[] = [];
    const writes: DecisionWrite[] = [];
    const servicesDecided = new Set<string>();
    for (const event of batch) {
      const row = rowOf(rows, event.subject);
      // One decision per service and batch: the next decides on what this one wrote.
      if (row !== undefined && servicesDecided.has(row.s_id)) {
        deferred.push(event);
        continue;
      }
      if (row !== undefined) servicesDecided.add(row.s_id);
      try {
        const { write, result } = event.decide(toLockedState(row));
        if (write !== null) writes.push(write);
        decided.push({ event, result });
      } catch (error) {
        // Decided against: nothing of this event is written, the others go on.
        event.answered = true;
        event.reject(translate(error));
      }
    }
    const writing = decisionWriteStatement(writes);
    this.waiting.unshift(...deferred);
    const next = this.waiting.length > 0 ? takeBatch(this.waiting) : null;
    const [written, opening] = corked(client, () => [
      settled([
        ...(writing === null
          ? []
          : [client.query({ ...writing.statement, values: writing.values })]),
        client.query("COMMIT"),
      ]),
      next === null ? null : this.open(client, next),
    ]);
    try {
      await written;
      for (const { event, result } of decided) event.resolve(result);
    } catch (error) {
      this.failed(batch, error);
      if (isConnectionLoss(error) && opening !== null) {
        await opening.locked.catch(() => {});
        this.failed(opening.batch, error);
        return null;
      }
    }
    return opening;
  }

  /**
   * The rows with those read again whose snapshot missed what the locked
   * service row points at (a transaction this one waited for committed it):
   * under the locks now held, a second read sees it.
   */
  private async freshRows(
    client: pg.PoolClient,
    batch: readonly PendingEvent[],
    rows: LockedRow[],
  ): Promise<LockedRow[]> {
    const stale = batch
      .map((event) => event.subject)
      .filter((subject) => isStale(subject, rowOf(rows, subject)));
    if (stale.length === 0) return rows;
    const again = lockStatement(stale);
    const reread = await client.query<LockedRow>({ ...again.statement, values: again.values });
    // Only the service subjects' rows are replaced: an alert subject's names its alert, read as
    // locked, and the second read (service subjects alone) does not return it again.
    const staleIds = new Set(reread.rows.map((row) => row.s_id));
    const kept = rows.filter((row) => row.subject_kind === "a" || !staleIds.has(row.s_id));
    return [...kept, ...reread.rows];
  }

  /** Closes every connection; for shutdown. */
  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * Starts pipelined statements as one socket write: the driver writes each
 * statement as soon as it is queued, and a write is a system call and a TCP
 * segment of its own, which cost the server and PostgreSQL as much CPU as a
 * small statement. Corked, the socket holds them until `uncork`; the
 * driver's own cork around each statement nests inside this one.
 */
function corked<T>(client: pg.PoolClient, queue: () => T): T {
  const { stream } = (client as unknown as pg.Client).connection;
  stream.cork();
  try {
    return queue();
  } finally {
    stream.uncork();
  }
}

/**
 * Waits for every pipelined statement (none is left with an unobserved
 * rejection), then fails with the first error: after a failed statement the
 * rest of the transaction did nothing (a COMMIT after it rolls back).
 */
async function settled(queries: readonly Promise<unknown>[]): Promise<unknown[]> {
  const outcomes = await Promise.allSettled(queries);
  const failure = outcomes.find((outcome) => outcome.status === "rejected");
  if (failure !== undefined) throw failure.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value);
}
