import pg from "pg";
import {
  connectionOptions,
  type DatabaseOptions,
} from "../../../platform/postgres/database-setup.js";
import type {
  AlertEventTransactions,
  AlertSubject,
  DecidedStep,
  LockedAlertState,
} from "../../app/ports.js";
import { decisionWriteStatement } from "./decision-write-sql.js";
import { isStale, type LockedRow, lockStatement, toLockedState } from "./locked-state-sql.js";
import { translate } from "./transaction-runner.js";

/**
 * Alert events on raw `pg`, in two round trips: BEGIN and the lock statement
 * go out together, then the write statement and COMMIT. Both statements are
 * named, so each connection parses them once, not per call. The connections
 * are pipelined (several statements on the wire at once), which is why
 * this has a pool of its own: TypeORM's connections wait for each answer.
 */
export class PgAlertEventTransactions implements AlertEventTransactions {
  /** Read by the pool metrics. */
  readonly pool: pg.Pool;

  /**
   * The same size, timeouts and name as the TypeORM pool the options would
   * make; `onIdleError` hears of a connection that failed while idle.
   */
  constructor(options: DatabaseOptions, onIdleError: (error: Error) => void) {
    const { url, applicationName, extra } = connectionOptions(options, "pager");
    this.pool = new pg.Pool({
      ...extra,
      connectionString: url,
      application_name: applicationName,
      pipeline: true,
    });
    this.pool.on("error", onIdleError);
  }

  async run<T>(
    subject: AlertSubject,
    decide: (locked: LockedAlertState) => DecidedStep<T>,
  ): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A connection the server ends between two statements (a restart: 57P01) emits "error"
    // outside any query; unheard, that event would end the process. Heard, it fails the
    // transaction's next statement and the connection is dropped, not reused.
    const lost = (error: Error) => {
      broken = error;
    };
    client.on("error", lost);
    try {
      return await this.transaction(client, subject, decide);
    } catch (error) {
      // A connection whose ROLLBACK failed is in an unknown state: dropped, not reused.
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw translate(error);
    } finally {
      client.removeListener("error", lost);
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
    const [, read] = await settled(
      corked(client, () => [client.query("BEGIN"), client.query<LockedRow>(lock)]),
    );
    let [row] = read.rows;
    // Under the lock now held, a second read sees whatever the wait let commit.
    if (isStale(subject, row)) [row] = (await client.query<LockedRow>(lock)).rows;
    const { write, result } = decide(toLockedState(row));
    const writing = write === null ? null : decisionWriteStatement(write);
    if (writing === null) {
      await client.query("COMMIT");
    } else {
      await settled(
        corked(client, () => [
          client.query({ ...writing.statement, values: writing.values }),
          client.query("COMMIT"),
        ]),
      );
    }
    return result;
  }

  /** Closes every connection; for shutdown. */
  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * Starts two pipelined statements as one socket write: the driver writes each
 * statement as soon as it is queued, and a write is a system call and a TCP
 * segment of its own, which cost the server and PostgreSQL as much CPU as a
 * small statement. Corked, the socket holds both until `uncork`; the driver's
 * own cork around each statement nests inside this one.
 */
function corked<A, B>(
  client: pg.PoolClient,
  queue: () => [Promise<A>, Promise<B>],
): [Promise<A>, Promise<B>] {
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
async function settled<A, B>(queries: [Promise<A>, Promise<B>]): Promise<[A, B]> {
  const [a, b] = await Promise.allSettled(queries);
  if (a.status === "rejected") throw a.reason;
  if (b.status === "rejected") throw b.reason;
  return [a.value, b.value];
}
