import { expect } from "chai";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { type FakeProviders, startFakeProviders } from "../support/fake-providers.js";
import { FakeSmtpServer } from "../support/fake-smtp-server.js";
import { freePort } from "../support/free-port.js";
import {
  createServiceWithTargets,
  NotificationState,
  notificationsOf,
  target,
  uniqueName,
} from "../support/pager-fixtures.js";
import { eventually, type PagerHarness, startPagerHarness } from "../support/pager-harness.js";
import { scrapeOk } from "../support/scrape.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { TEST_KEYS } from "../support/test-keys.js";

const OUTAGE_ATTEMPTS = 5;

/**
 * Providers that are down for a while: a webhook receiver answering 503, an
 * SMTP relay not listening at all. The page waits in the outbox, retried
 * with backoff, and the outage shows in the metrics meanwhile; once the
 * provider is back the page is delivered, once. A database of this suite's
 * own keeps the outbox gauges exact.
 */
describe("a provider down for a while: pages wait, show in metrics, and complete", function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let fakes: FakeProviders;
  let h: PagerHarness;

  before(async () => {
    [database, fakes] = await Promise.all([
      createTestDatabase(),
      startFakeProviders("outage-secret"),
    ]);
    h = await startRetryingPager(fakes.env);
  });
  /** A pager on this suite's database that retries pages quickly and all but forever. */
  const startRetryingPager = (channels: Record<string, string>): Promise<PagerHarness> =>
    startPagerHarness(
      {
        ...channels,
        PAGER_MAX_DELIVERY_ATTEMPTS: "100",
        PAGER_DELIVERY_RETRY_BASE_MS: "50",
        PAGER_TIMER_WORKER: "off",
      },
      undefined,
      { databaseUrl: database.url },
    );
  after(async () => {
    await h?.stop();
    await fakes?.close();
    await database?.drop();
  });

  it("keeps the page pending while every attempt fails, then sends it once", async () => {
    const url = fakes.hooks.url(uniqueName("down"));
    fakes.hooks.scriptFor(url, ...Array<number>(OUTAGE_ATTEMPTS).fill(503));
    const { service } = await createServiceWithTargets(h.client, [[target.webhook(url)]]);
    const { alert } = await h.client.call(PagerService.method.sendAlert, {
      monitoredServiceId: service.id,
      message: "checkout is down",
    });
    const address = `127.0.0.1:${h.pager.port}`;
    const webhook = (result: string) => ({ channel: "webhook", result });

    const during = await eventually(async () => {
      const m = await scrapeOk(address, TEST_KEYS.admin);
      expect(m.value("pager_notification_attempts_total", webhook("failed"))).to.be.at.least(3);
      expect(m.value("pager_notification_attempts_total", webhook("sent"))).to.equal(0);
      return m;
    });
    expect(during.value("pager_outbox_pending_notifications"), "the page waits").to.equal(1);
    expect(during.value("pager_outbox_oldest_pending_age_seconds")).to.be.above(0);
    expect(
      during.value("pager_notifications_total", { channel: "webhook", state: "failed" }),
      "not given up",
    ).to.equal(0);

    await eventually(async () => {
      const [page] = await notificationsOf(h.client, alert?.id ?? "");
      expect(page).to.include({ state: NotificationState.SENT, attempts: OUTAGE_ATTEMPTS + 1 });
    }, 20_000);
    expect(fakes.hooks.receivedAt(url), "delivered once").to.have.length(1);
    const after = await scrapeOk(address, TEST_KEYS.admin);
    expect(after.value("pager_notification_attempts_total", webhook("failed"))).to.equal(
      OUTAGE_ATTEMPTS,
    );
    expect(
      after.value("pager_notifications_total", { channel: "webhook", state: "sent" }),
    ).to.equal(1);
    expect(after.value("pager_outbox_pending_notifications")).to.equal(0);
    expect(after.value("pager_outbox_oldest_pending_age_seconds")).to.equal(0);
  });

  describe("an SMTP relay that is not there, then is", () => {
    let relayPort: number;
    let mailer: PagerHarness;
    let relay: FakeSmtpServer | undefined;

    before(async () => {
      relayPort = await freePort();
      mailer = await startRetryingPager(FakeSmtpServer.envAt(relayPort));
    });
    after(async () => {
      await mailer?.stop();
      await relay?.close();
    });

    it("retries the email while connections are refused and sends it once the relay listens", async () => {
      const address = uniqueName("oncall").concat("@example.com");
      const { service } = await createServiceWithTargets(mailer.client, [[target.email(address)]]);
      const { alert } = await mailer.client.call(PagerService.method.sendAlert, {
        monitoredServiceId: service.id,
        message: "payments are failing",
      });
      const metrics = `127.0.0.1:${mailer.pager.port}`;
      const email = (result: string) => ({ channel: "email", result });
      await eventually(async () => {
        const m = await scrapeOk(metrics, TEST_KEYS.admin);
        expect(m.value("pager_notification_attempts_total", email("failed"))).to.be.at.least(2);
        expect(
          m.value("pager_notifications_total", { channel: "email", state: "failed" }),
        ).to.equal(0);
      });
      const [waiting] = await notificationsOf(mailer.client, alert?.id ?? "");
      expect(waiting?.state, "the page waits").to.equal(NotificationState.PENDING);
      expect(waiting?.lastError).to.match(/ECONNREFUSED|connect/i);

      relay = await FakeSmtpServer.start({ port: relayPort });
      await eventually(async () => {
        const [page] = await notificationsOf(mailer.client, alert?.id ?? "");
        expect(page?.state).to.equal(NotificationState.SENT);
      }, 20_000);
      expect(relay.sentTo(address), "delivered once").to.have.length(1);
      const m = await scrapeOk(metrics, TEST_KEYS.admin);
      expect(m.value("pager_notifications_total", { channel: "email", state: "sent" })).to.equal(1);
    });
  });
});
