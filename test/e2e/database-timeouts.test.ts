import { setTimeout as delay } from "node:timers/promises";
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { PagerService, SendAlertOutcome } from "../../gen/pager/v1/pager_service_pb.js";
import { openDatabase } from "../../src/pager/adapters/postgres/data-source.js";
import { readConfig } from "../../src/pager/settings/pager-config.js";
import { testDatabaseUrl } from "../support/global-database.js";
import { createServiceWithPolicy } from "../support/pager-fixtures.js";
import { type PagerHarness, startPagerHarness } from "../support/pager-harness.js";

const { method } = PagerService;

/**
 * A call stuck behind a lock another connection holds fails with a status
 * the caller can retry on, never INTERNAL, and leaves nothing half-written;
 * the lock released, the same call succeeds.
 */
describe("database timeouts (real PostgreSQL, a lock held by another connection)", () => {
  /** Locks the service's row from outside the server until `release` is called. */
  async function lockService(h: PagerHarness, serviceId: string) {
    const holder = await h.db.connect();
    await holder.query("BEGIN");
    await holder.query("SELECT 1 FROM monitored_services WHERE id = $1 FOR UPDATE", [serviceId]);
    return async () => {
      await holder.query("ROLLBACK");
      holder.release();
    };
  }

  async function alertCount(h: PagerHarness, serviceId: string) {
    const { rows } = await h.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM alerts WHERE monitored_service_id = $1",
      [serviceId],
    );
    return rows[0]?.n;
  }

  async function refusedWhileLocked(h: PagerHarness) {
    const { service } = await createServiceWithPolicy(h.client);
    const release = await lockService(h, service.id);
    let failure: Awaited<ReturnType<typeof h.client.fail>>;
    try {
      failure = await h.client.fail(method.sendAlert, {
        monitoredServiceId: service.id,
        message: "disk full",
      });
    } finally {
      await release();
    }
    expect(await alertCount(h, service.id), "nothing half-written").to.equal(0);
    const retried = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "disk full",
    });
    expect(retried.outcome).to.equal(SendAlertOutcome.CREATED);
    return failure;
  }

  /**
   * A pager for the enclosing describe, with no timer worker and no database
   * limit but those `env` sets; the returned function gives it to the tests.
   */
  function startedWith(env: Record<string, string>): () => PagerHarness {
    let h: PagerHarness | undefined;
    before(async () => {
      h = await startPagerHarness({
        PAGER_TIMER_WORKER: "off",
        PAGER_DB_LOCK_TIMEOUT_MS: "0",
        PAGER_DB_STATEMENT_TIMEOUT_MS: "0",
        ...env,
      });
    });
    after(async () => {
      await h?.stop();
    });
    return () => {
      if (h === undefined) throw new Error("the pager did not start");
      return h;
    };
  }

  describe("lock_timeout", () => {
    const harness = startedWith({ PAGER_DB_LOCK_TIMEOUT_MS: "300" });

    it("a lock held past PAGER_DB_LOCK_TIMEOUT_MS → UNAVAILABLE, retryable", async () => {
      const h = harness();
      const failure = await refusedWhileLocked(h);
      expect(failure.code).to.equal(grpc.status.UNAVAILABLE);
      expect(failure.details).to.match(/retry/);
    });
  });

  describe("lock_timeout of a batch sent with another's COMMIT (one event transaction)", () => {
    const harness = startedWith({
      PAGER_DB_LOCK_TIMEOUT_MS: "300",
      PAGER_DB_EVENT_TRANSACTIONS: "1",
    });

    it("fails only the call whose service stays locked; the one batched with it and the connection go on", async () => {
      const h = harness();
      const [first, held, free] = await Promise.all(
        [1, 2, 3].map(() => createServiceWithPolicy(h.client)),
      );
      const send = (serviceId: string) =>
        h.client
          .call(method.sendAlert, { monitoredServiceId: serviceId, message: "disk full" })
          .then(
            (r) => SendAlertOutcome[r.outcome],
            (error: grpc.ServiceError) => grpc.status[error.code],
          );
      // The first call waits on its service's lock, so the other two queue behind it and go
      // out with its COMMIT; one of them then waits on a lock that outlasts the timeout.
      const releaseFirst = await lockService(h, first?.service.id ?? "");
      const releaseHeld = await lockService(h, held?.service.id ?? "");
      try {
        const firstCall = send(first?.service.id ?? "");
        await delay(100);
        const others = [send(held?.service.id ?? ""), send(free?.service.id ?? "")];
        await delay(100);
        await releaseFirst();
        expect(await Promise.all([firstCall, ...others])).to.deep.equal([
          "CREATED",
          "UNAVAILABLE",
          "CREATED",
        ]);
      } finally {
        await releaseHeld();
      }
      expect(await send(held?.service.id ?? "")).to.equal("CREATED");
    });
  });

  describe("statement_timeout", () => {
    const harness = startedWith({ PAGER_DB_STATEMENT_TIMEOUT_MS: "300" });

    it("a statement past PAGER_DB_STATEMENT_TIMEOUT_MS → DEADLINE_EXCEEDED", async () => {
      const h = harness();
      const failure = await refusedWhileLocked(h);
      expect(failure.code).to.equal(grpc.status.DEADLINE_EXCEEDED);
      expect(failure.details).to.match(/took too long/);
    });
  });

  it("every connection of the pool carries the three limits, migrations included; an idle transaction is ended", async () => {
    const { dbTimeouts } = readConfig({
      PAGER_DB_STATEMENT_TIMEOUT_MS: "4000",
      PAGER_DB_LOCK_TIMEOUT_MS: "2000",
      PAGER_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: "200",
    });
    // One connection: the same one that just ran the migrations without limits.
    const db = await openDatabase({
      url: await testDatabaseUrl(),
      poolSize: 1,
      timeouts: dbTimeouts,
    });
    try {
      const [limits] = await db.query(
        `SELECT current_setting('statement_timeout') AS statement,
                current_setting('lock_timeout') AS lock,
                current_setting('idle_in_transaction_session_timeout') AS idle`,
      );
      expect(limits).to.deep.equal({ statement: "4s", lock: "2s", idle: "200ms" });
      const runner = db.createQueryRunner();
      await runner.startTransaction();
      const [{ pid }] = await runner.query("SELECT pg_backend_pid() AS pid");
      await delay(600);
      // PostgreSQL ended the idle session, and with it the transaction and its locks.
      const [{ alive }] = await db.query(
        "SELECT count(*)::int AS alive FROM pg_stat_activity WHERE pid = $1",
        [pid],
      );
      expect(alive).to.equal(0);
      await runner.release().catch(() => {});
    } finally {
      await db.destroy();
    }
  });
});
