import { expect } from "chai";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { FakeSmtpServer, SMTP_ACCOUNT } from "../support/fake-smtp-server.js";
import {
  createServiceWithTargets,
  NotificationState,
  notificationsOf,
  target,
  uniqueName,
} from "../support/pager-fixtures.js";
import { eventually, type PagerHarness, startPagerHarness } from "../support/pager-harness.js";

/**
 * An `smtp://` relay that offers no STARTTLS, reached with a password in
 * PAGER_SMTP_URL: by default the pager never logs in (the page fails with
 * the reason), and only PAGER_SMTP_PLAINTEXT_AUTH=on lets the password go
 * in clear.
 */
describe("email: credentials never travel without STARTTLS unless the operator says so", () => {
  let relay: FakeSmtpServer;

  before(async () => {
    relay = await FakeSmtpServer.start({ startTls: false });
  });
  after(async () => {
    await relay?.close();
  });

  async function withPager<T>(env: Record<string, string>, run: (h: PagerHarness) => Promise<T>) {
    const h = await startPagerHarness({
      PAGER_SMTP_URL: `smtp://${SMTP_ACCOUNT.user}:${SMTP_ACCOUNT.pass}@127.0.0.1:${relay.port}`,
      PAGER_MAIL_FROM: "pager@example.com",
      PAGER_TIMER_WORKER: "off",
      PAGER_MAX_DELIVERY_ATTEMPTS: "1",
      ...env,
    });
    try {
      return await run(h);
    } finally {
      await h.stop();
    }
  }

  /** Pages `address` once and waits until its page is no longer pending. */
  async function pageOnce(h: PagerHarness, address: string) {
    const { service } = await createServiceWithTargets(h.client, [[target.email(address)]]);
    const { alert } = await h.client.call(PagerService.method.sendAlert, {
      monitoredServiceId: service.id,
      message: "disk full",
    });
    return eventually(async () => {
      const [page] = await notificationsOf(h.client, alert?.id ?? "");
      expect(page?.state).to.be.oneOf([NotificationState.SENT, NotificationState.FAILED]);
      if (page === undefined) throw new Error("no page");
      return page;
    });
  }

  it("by default: no login is attempted, the page fails saying STARTTLS could not be started", async () => {
    const address = `${uniqueName("oncall")}@example.com`;
    const page = await withPager({}, (h) => pageOnce(h, address));
    expect(page.state).to.equal(NotificationState.FAILED);
    expect(page.lastError).to.match(/^SMTP ETLS: STARTTLS failed: 5\d\d /);
    expect(relay.authAttempts).to.equal(0);
    expect(relay.sentTo(address)).to.deep.equal([]);
  });

  it("with PAGER_SMTP_PLAINTEXT_AUTH=on: logs in without TLS and delivers", async () => {
    const address = `${uniqueName("oncall")}@example.com`;
    const page = await withPager({ PAGER_SMTP_PLAINTEXT_AUTH: "on" }, (h) => pageOnce(h, address));
    expect(page.state).to.equal(NotificationState.SENT);
    const [email] = relay.sentTo(address);
    expect(email).to.include({ user: SMTP_ACCOUNT.user, secure: false });
  });
});
