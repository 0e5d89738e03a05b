import { PgAlertEventTransactions } from "../../src/pager/adapters/postgres/alert-event-transactions.js";
import { UuidV7Generator } from "../../src/pager/adapters/system/uuid-v7.js";
import type { AppDeps } from "../../src/pager/app/ports.js";
import { NO_INTERNAL_HOSTS } from "../../src/pager/domain/webhook-hosts.js";
import { readConfig } from "../../src/pager/settings/pager-config.js";
import { systemClock } from "../../src/platform/time/system-clock.js";

/** What the replay's transactions are: the server's own, without the server around them. */
export interface SqlReplay {
  readonly deps: AppDeps;
  close(): Promise<void>;
}

/**
 * The pager's alert-event use cases run in the bench process on their own
 * pool of the server's adapter: exactly the SQL the server sends per call
 * (named statements, pipelined), with no HTTP/2, Connect or protobuf around
 * it. Its rate is R_sql, what the database path alone sustains. Work
 * signals go nowhere: the server's dispatcher still delivers the pages by
 * polling, outside the measured windows ({@link settle} waits for it).
 * Only the alert-event transactions are wired; anything else throws. The
 * PAGER_* variables the server reads size it the same way.
 */
export function sqlReplay(url: string): SqlReplay {
  const config = readConfig(process.env);
  const alertTx = new PgAlertEventTransactions(
    {
      url,
      poolSize: config.eventTransactions,
      // Not "pager-bench": the meter counts this pool's PostgreSQL CPU as the server's would be.
      applicationName: "pager-bench-sql",
      timeouts: { statementMs: 0, lockMs: 0, idleInTransactionMs: 0 },
    },
    (error) => console.error(`replay pool: ${error.message}`),
  );
  const nothing = () => {};
  const deps: AppDeps = {
    tx: {
      run: () => Promise.reject(new Error("the SQL replay runs alert events only")),
    },
    alertTx,
    alertPages: { list: () => Promise.reject(new Error("the SQL replay runs alert events only")) },
    clock: systemClock,
    ids: new UuidV7Generator(),
    signals: { notificationsQueued: nothing, timersChanged: nothing, eventsRecorded: nothing },
    keyCache: { forget: nothing },
    timerToleranceMs: 0,
    metrics: { timeoutHandled: nothing },
    webhookHosts: NO_INTERNAL_HOSTS,
  };
  return { deps, close: () => alertTx.close() };
}
