import pg from "pg";
import type {
  AlertEventTransactions,
  AlertSubject,
  DecidedStep,
  LockedAlertState,
} from "../../app/ports.js";
import { decisionWriteStatement } from "./decision-write-sql.js";
import { isStale, type LockedRow, lockStatement, toLockedState } from "./locked-state-sql.js";
import { translate } from "./transaction-runner.js";

/** How to reach the database, and what to do with an idle connection's error. */
export interface AlertEventTransactionsOptions {
  readonly url: string;
  readonly poolSize: number;
  readonly applicationName: string;
  readonly onIdleError: (error: Error) => void;
}

/**
 * Alert events on raw `pg`, in two round trips: BEGIN and the lock statement
 * go out together, then the write statement and COMMIT. Both statements are
 * named, so each connection parses and plans them once. The connections
 * are pipelined (several statements on the wire at once), which is why
 * this has a pool of its own: TypeORM's connections wait for each answer.
 */
export class PgAlertEventTransactions implements AlertEventTransactions {
  /** Read by the pool metrics. */
  readonly pool: pg.Pool;

  constructor(options: AlertEventTransactionsOptions) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize,
      connectionTimeoutMillis: 10_000,
      application_name: options.applicationName,
      pipeline: true,
    });
    this.pool.on("error", options.onIdleError);
  }

  async run<T>(
    subject: AlertSubject,
    decide: (locked: LockedAlertState) => DecidedStep<T>,
  ): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      return await this.transaction(client, subject, decide);
    } catch (error) {
      // A connection whose ROLLBACK failed is in an unknown state: dropped, not reused.
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw translate(error);
    } finally {
      client.release(broken);
    }
  }

  private async transaction<T>(
    client: pg.PoolClient,
    subject: AlertSubject,
    decide: (locked: LockedAlertState) => DecidedStep<T>,
  ): Promise<T> {
    const { statement, id } = lockStatement(subject);
    const lock = { ...statement, values: [id] };
    const [, read] = await settled([client.query("BEGIN"), client.query<LockedRow>(lock)]);
    let [row] = read.rows;
    // Under the lock now held, a second read sees whatever the wait let commit.
    if (isStale(subject, row)) [row] = (await client.query<LockedRow>(lock)).rows;
    const { write, result } = decide(toLockedState(row));
    const writing = write === null ? null : decisionWriteStatement(write);
    if (writing === null) {
      await client.query("COMMIT");
    } else {
      await settled([
        client.query({ ...writing.statement, values: writing.values }),
        client.query("COMMIT"),
      ]);
    }
    return result;
  }

  /** Closes every connection; for shutdown. */
  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * Waits for every pipelined statement (none is left with an unobserved
 * rejection), then fails with the first error: after a failed statement the
 * rest of the transaction did nothing (a COMMIT after it rolls back).
 */
async function settled<A, B>(queries: [Promise<A>, Promise<B>]): Promise<[A, B]> {
  const [a, b] = await Promise.allSettled(queries);
  if (a.status === "rejected") throw a.reason;
  if (b.status === "rejected") throw b.reason;
  return [a.value, b.value];
}
