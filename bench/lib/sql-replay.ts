import { pino } from "pino";
import { PgAlertEventTransactions } from "../../src/pager/adapters/postgres/alert-event-transactions.js";
import { UuidV7Generator } from "../../src/pager/adapters/system/uuid-v7.js";
import type { AppDeps } from "../../src/pager/app/ports.js";
import { NO_INTERNAL_HOSTS } from "../../src/pager/domain/webhook-hosts.js";
import { notificationWorkers } from "../../src/pager/notification-workers.js";
import { readConfig } from "../../src/pager/settings/pager-config.js";
import { WORKER_BATCH_SIZE, WORKER_IDLE_POLL_MS } from "../../src/pager/worker-pacing.js";
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
 * it. The pages those calls queue are delivered as the server delivers them
 * during an RPC phase: by the server's dispatcher, built the same way and
 * woken by each commit, on the channels the bench server has (the log
 * channel), so both sides of R_pred pay for the same statements. Its rate is
 * R_sql, what the database path alone sustains. Only the alert-event
 * transactions are wired; anything else throws. The PAGER_* variables the
 * server reads size it the same way.
 */
export async function sqlReplay(url: string, logLevel: string): Promise<SqlReplay> {
  const config = readConfig(process.env);
  const report = (what: string) => (error: unknown) =>
    console.error(`replay ${what}: ${error instanceof Error ? error.message : String(error)}`);
  const alertTx = new PgAlertEventTransactions(
    {
      url,
      poolSize: config.eventTransactions,
      // Not "pager-bench": the meter counts this pool's PostgreSQL CPU as the server's would be.
      applicationName: "pager-bench-sql",
      timeouts: { statementMs: 0, lockMs: 0, idleInTransactionMs: 0 },
    },
    report("pool"),
  );
  const nothing = () => {};
  const delivery = await notificationWorkers({
    config,
    databaseUrl: url,
    clock: systemClock,
    logger: pino({ level: logLevel }),
    metrics: { pageSent: nothing, pageFailed: nothing },
    links: { publicUrl: "http://127.0.0.1", acknowledgeLink: () => "http://127.0.0.1" },
    eventsRecorded: nothing,
    onError: report,
    batchSize: WORKER_BATCH_SIZE,
    maxIdleMs: WORKER_IDLE_POLL_MS,
  });
  for (const loop of delivery.loops) loop.start();
  const deps: AppDeps = {
    tx: {
      run: () => Promise.reject(new Error("the SQL replay runs alert events only")),
    },
    alertTx,
    alertPages: { list: () => Promise.reject(new Error("the SQL replay runs alert events only")) },
    clock: systemClock,
    ids: new UuidV7Generator(),
    signals: {
      notificationsQueued: delivery.wake,
      timersChanged: nothing,
      eventsRecorded: nothing,
    },
    keyCache: { forget: nothing },
    timerToleranceMs: 0,
    metrics: { timeoutHandled: nothing },
    webhookHosts: NO_INTERNAL_HOSTS,
  };
  return {
    deps,
    async close() {
      await Promise.all(delivery.loops.map((loop) => loop.stop()));
      await delivery.close();
      await alertTx.close();
    },
  };
}
