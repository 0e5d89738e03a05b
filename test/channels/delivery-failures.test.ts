import { status as GrpcStatus } from "@grpc/grpc-js";
import { expect } from "chai";
import { NotificationService } from "../../gen/pager/v1/notification_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import type { Target } from "../../gen/pager/v1/target_pb.js";
import { type ChannelHarness, startChannelHarness } from "../support/channel-harness.js";
import { TWILIO_INVALID_NUMBER } from "../support/fake-twilio.js";
import { freePort } from "../support/free-port.js";
import { LogRecorder } from "../support/log-recorder.js";
import {
  createServiceWithTargets,
  NotificationState,
  notificationsOf,
  target,
  uniqueName,
  uniquePhoneNumber,
} from "../support/pager-fixtures.js";
import { eventually, type PagerHarness, startPagerHarness } from "../support/pager-harness.js";

const { method } = PagerService;

/**
 * Outages and refusals against real servers on loopback, with a short
 * backoff so that retries take milliseconds: transient failures are retried
 * up to PAGER_MAX_DELIVERY_ATTEMPTS, permanent ones fail at once with the
 * provider's reason, and an operator can send a failed page again.
 */
describe("delivery failures: retries, permanent refusals, RetryNotification", () => {
  let h: ChannelHarness;

  before(async () => {
    h = await startChannelHarness({
      PAGER_MAX_DELIVERY_ATTEMPTS: "3",
      PAGER_DELIVERY_RETRY_BASE_MS: "20",
      PAGER_DELIVERY_TIMEOUT_MS: "500",
    });
  });
  after(async () => {
    await h?.stop();
  });

  /** Pages one target at level 0 and waits until its page is no longer pending. */
  async function pageOnce(to: Target) {
    const { service } = await createServiceWithTargets(h.client, [[to]]);
    const { alert } = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "queue depth above 10k",
    });
    return settled(alert?.id ?? "");
  }

  async function settled(alertId: string) {
    return eventually(async () => {
      const [page, ...rest] = await notificationsOf(h.client, alertId);
      expect(rest).to.deep.equal([]);
      expect(page?.state).to.not.equal(NotificationState.PENDING);
      if (page === undefined) throw new Error("no page");
      return page;
    });
  }

  it("Twilio answers 503 twice, then accepts: delivered once, attempts = 3", async () => {
    const phone = uniquePhoneNumber();
    h.fakes.twilio.scriptFor(phone, 503, 503);
    const page = await pageOnce(target.sms(phone));
    expect(page).to.include({ state: NotificationState.SENT, attempts: 3, lastError: "" });
    expect(h.fakes.twilio.sentTo(phone)).to.have.length(1);
    expect(page.providerMessageId).to.equal(h.fakes.twilio.sentTo(phone)[0]?.sid);
  });

  it("a webhook that does not answer in time is retried (the timeout is transient)", async () => {
    const url = h.fakes.hooks.url(uniqueName("slow"));
    h.fakes.hooks.scriptFor(url, "hold");
    const page = await pageOnce(target.webhook(url));
    expect(page).to.include({ state: NotificationState.SENT, attempts: 2 });
    expect(h.fakes.hooks.receivedAt(url)).to.have.length(1);
    expect(h.fakes.hooks.http.abandoned).to.be.at.least(1);
  });

  it("Twilio answers 400: failed at once with Twilio's reason", async () => {
    const page = await pageOnce(target.sms(TWILIO_INVALID_NUMBER));
    expect(page).to.include({ state: NotificationState.FAILED, attempts: 1 });
    expect(page.lastError).to.equal(
      `Twilio answered HTTP 400: The 'To' number ${TWILIO_INVALID_NUMBER} is not a valid phone number. (Twilio error 21211)`,
    );
  });

  it("the SMTP relay rejects the recipient: failed at once with the relay's reply", async () => {
    const address = `${uniqueName("gone")}@example.com`;
    h.fakes.smtp.refusedRecipients.add(address);
    const page = await pageOnce(target.email(address));
    expect(page).to.include({ state: NotificationState.FAILED, attempts: 1 });
    expect(page.lastError).to.match(/^SMTP EENVELOPE: 550 .*Recipient address rejected/);
    expect(h.fakes.smtp.sentTo(address)).to.deep.equal([]);
  });

  it("a webhook receiver down throughout: FAILED after 3 attempts, and a warning that nobody was reached", async () => {
    const url = `http://127.0.0.1:${await freePort()}/down`;
    const page = await pageOnce(target.webhook(url));
    expect(page).to.include({ state: NotificationState.FAILED, attempts: 3 });
    expect(page.lastError).to.match(/^could not reach the webhook: .*ECONNREFUSED/);
    const warnings = h.logs
      .withMessage("every page of this escalation level failed: nobody was reached")
      .filter((line) => line.alert_id === page.alertId);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include({ level: 40, escalation_level: 0, pages: 1 });
  });

  it("Twilio down throughout, then RetryNotification once it is back: delivered, attempts keep counting", async () => {
    const phone = uniquePhoneNumber();
    h.fakes.twilio.scriptFor(phone, 503, 503, 503);
    const failed = await pageOnce(target.sms(phone));
    expect(failed).to.include({ state: NotificationState.FAILED, attempts: 3 });
    expect(failed.lastError).to.equal("Twilio answered HTTP 503: Service Unavailable");
    const { notification } = await h.client.call(NotificationService.method.retryNotification, {
      notificationId: failed.id,
    });
    expect(notification?.state).to.equal(NotificationState.PENDING);
    const sent = await settled(failed.alertId);
    expect(sent).to.include({ state: NotificationState.SENT, attempts: 4, lastError: "" });
    expect(h.fakes.twilio.sentTo(phone)).to.have.length(1);
  });

  it("RetryNotification refuses what is not FAILED, unknown ids and malformed ids", async () => {
    const sent = await pageOnce(target.sms(uniquePhoneNumber()));
    const notSent = await h.client.fail(NotificationService.method.retryNotification, {
      notificationId: sent.id,
    });
    expect(notSent.code).to.equal(GrpcStatus.FAILED_PRECONDITION);
    expect(notSent.details).to.include("is SENT; only a FAILED notification can be retried");
    const unknown = await h.client.fail(NotificationService.method.retryNotification, {
      notificationId: "0190b6c4-0000-7000-8000-000000000000",
    });
    expect(unknown.code).to.equal(GrpcStatus.NOT_FOUND);
    const malformed = await h.client.fail(NotificationService.method.retryNotification, {
      notificationId: "42",
    });
    expect(malformed.code).to.equal(GrpcStatus.INVALID_ARGUMENT);
    expect(malformed.details).to.include("notification_id");
  });
});

describe("a half-configured channel fails its pages with what to set", () => {
  let logs: LogRecorder;
  let h: PagerHarness;

  before(async () => {
    logs = new LogRecorder();
    h = await startPagerHarness(
      { PAGER_TWILIO_ACCOUNT_SID: "AC0123", PAGER_TIMER_WORKER: "off" },
      logs,
    );
  });
  after(async () => {
    await h?.stop();
  });

  it("SMS with only the account SID: FAILED at once, last_error names the missing variables", async () => {
    const { service } = await createServiceWithTargets(h.client, [
      [target.sms(uniquePhoneNumber())],
    ]);
    const { alert } = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "down",
    });
    const [page] = await eventually(async () => {
      const pages = await notificationsOf(h.client, alert?.id ?? "");
      expect(pages.map((p) => p.state)).to.deep.equal([NotificationState.FAILED]);
      return pages;
    });
    const problem =
      "the sms channel is not fully configured: set PAGER_TWILIO_AUTH_TOKEN and " +
      "PAGER_TWILIO_FROM (PAGER_TWILIO_ACCOUNT_SID is set)";
    expect(page).to.include({ attempts: 1, lastError: problem });
    const [listening] = logs.withMessage("pager listening");
    expect(listening?.channels).to.deep.equal({
      email: "log only (set PAGER_SMTP_URL and PAGER_MAIL_FROM)",
      sms: `misconfigured: ${problem}`,
      webhook: "log only (set PAGER_WEBHOOK_DELIVERY=on)",
    });
  });
});
