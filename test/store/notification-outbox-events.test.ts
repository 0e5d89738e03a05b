import { expect } from "chai";
import type { DataSource } from "typeorm";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { openDatabase } from "../../src/pager/adapters/postgres/data-source.js";
import { PostgresNotificationOutbox } from "../../src/pager/adapters/postgres/notification-outbox.js";
import { pageFailed, pageSent } from "../../src/pager/domain/page-delivery-events.js";
import { readConfig } from "../../src/pager/settings/pager-config.js";
import { testDatabaseUrl } from "../support/global-database.js";
import {
  createServiceWithPolicy,
  NotificationState,
  notificationsOf,
} from "../support/pager-fixtures.js";
import { eventually, type PagerHarness, startPagerHarness } from "../support/pager-harness.js";

const DISPATCHER = { kind: "system", name: "dispatcher" } as const;

/**
 * The outbox writes a delivery's timeline entry in the statement that marks
 * the page, and only when that statement changed it: a page another
 * dispatcher or an operator dealt with first gets no second entry.
 */
describe("notification outbox: delivery entries go with their mark (real PostgreSQL)", () => {
  let h: PagerHarness;
  let db: DataSource;

  before(async () => {
    h = await startPagerHarness();
    db = await openDatabase({
      url: await testDatabaseUrl(),
      poolSize: 2,
      timeouts: readConfig({}).dbTimeouts,
    });
  });
  after(async () => {
    await db?.destroy();
    await h?.stop();
  });

  it("a mark that finds the page no longer pending writes no entry", async () => {
    const { service } = await createServiceWithPolicy(h.client);
    const { alert } = await h.client.call(PagerService.method.sendAlert, {
      monitoredServiceId: service.id,
      message: "late outcome",
    });
    const [page] = await eventually(async () => {
      const pages = await notificationsOf(h.client, alert?.id ?? "");
      expect(pages[0]?.state).to.equal(NotificationState.SENT);
      return pages;
    });
    const entries = async () =>
      (
        await h.db.query("SELECT kind FROM alert_events WHERE alert_id = $1 ORDER BY xid, seq", [
          alert?.id,
        ])
      ).rows.map((row) => row.kind);
    const before = await entries();
    expect(before).to.deep.equal(["triggered", "page-queued", "page-sent"]);

    const outbox = new PostgresNotificationOutbox(db);
    const delivery = {
      id: page?.id ?? "",
      alertId: alert?.id ?? "",
      monitoredServiceId: service.id,
      level: 0,
      target: { kind: "email", address: "late@example.com" } as const,
    };
    const now = new Date();
    await outbox.markSent({
      id: delivery.id,
      sendTime: now,
      attempts: 2,
      providerId: "late",
      event: pageSent(
        delivery,
        { attempt: 2, providerMessageId: "late" },
        { actor: DISPATCHER, now },
      ),
    });
    await outbox.markFailed(
      {
        id: delivery.id,
        attempts: 2,
        reason: "late",
        retryAt: null,
        event: pageFailed(
          delivery,
          { attempt: 2, error: "late", final: true },
          { actor: DISPATCHER, now },
        ),
      },
      now,
    );
    expect(await entries()).to.deep.equal(before);
    const [after] = await notificationsOf(h.client, alert?.id ?? "");
    expect(after).to.include({ state: NotificationState.SENT, attempts: 1 });
  });
});
