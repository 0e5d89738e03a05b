import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect } from "chai";
import { ApiKeyRole, ApiKeyService } from "../../gen/pager/v1/api_key_service_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import {
  type ChannelHarness,
  startChannelHarness,
  WEBHOOK_SECRET,
} from "../support/channel-harness.js";
import { SMTP_ACCOUNT } from "../support/fake-smtp-server.js";
import { TWILIO_ACCOUNT } from "../support/fake-twilio.js";
import {
  AlertState,
  createServiceWithTargets,
  NotificationState,
  notificationsOf,
  target,
  uniqueName,
  uniquePhoneNumber,
} from "../support/pager-fixtures.js";
import { eventually } from "../support/pager-harness.js";

const { method } = PagerService;

/** The acknowledgement link a page's text carries: the public URL, /ack/, a 50-character token. */
function linkIn(text: string | undefined): string {
  const match = /http:\/\/[^\s]+\/ack\/[A-Za-z0-9_-]{50}(?=\s|$)/.exec(text ?? "");
  if (match === null) throw new Error(`no acknowledgement link in: ${text}`);
  return match[0];
}

/**
 * The three real channels against real servers on loopback: an SMTP relay
 * (smtp-server, AUTH and STARTTLS), a Twilio-compatible Messages API checking
 * basic auth and form fields, and a webhook receiver checking the HMAC
 * signature and the idempotency key. What the fakes received is what a
 * person would read.
 */
describe("real channels: email, SMS and webhook pages as received", () => {
  let h: ChannelHarness;

  before(async () => {
    h = await startChannelHarness();
  });
  after(async () => {
    await h?.stop();
  });

  /** Waits for the one email to `address` and checks how it travelled: AUTH, STARTTLS, envelope. */
  async function theEmailTo(address: string) {
    const [mail] = await eventually(async () => {
      expect(h.fakes.smtp.sentTo(address)).to.have.length(1);
      return h.fakes.smtp.sentTo(address);
    });
    expect(mail).to.deep.include({
      mailFrom: "pager@example.com",
      rcptTo: [address],
      user: SMTP_ACCOUNT.user,
      secure: true,
    });
    expect(mail?.headers.get("from")).to.equal("pager@example.com");
    expect(mail?.headers.get("to")).to.equal(address);
    return mail;
  }

  it("a two-level escalation: the exact emails, SMS and webhook, each once", async () => {
    const { twilio, hooks } = h.fakes;
    const first = `${uniqueName("oncall")}@example.com`;
    const second = `${uniqueName("backup")}@example.com`;
    const phone = uniquePhoneNumber();
    const hookUrl = hooks.url(uniqueName("hook"));
    const { service } = await createServiceWithTargets(h.client, [
      [target.email(first)],
      [target.email(second), target.sms(phone), target.webhook(hookUrl)],
    ]);
    const { alert } = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "disk full on db-1",
    });
    const alertId = alert?.id ?? "";
    const publicUrl = `http://${h.address}`;
    const command =
      `curl -s -H 'content-type: application/json' ` +
      `-H 'authorization: Bearer YOUR_API_KEY' ` +
      `-d '{"alertId":"${alertId}","acknowledgedBy":"YOUR_NAME"}' ` +
      `${publicUrl}/pager.v1.PagerService/AcknowledgeAlert`;

    const body = (level: number, link: string) =>
      [
        `${service.name} is unhealthy and you are on call for it.`,
        "",
        `Service:  ${service.name}`,
        "Message:  disk full on db-1",
        `Alert:    ${alertId}`,
        `Level:    ${level} (escalation levels count from 0)`,
        "",
        "Acknowledge to stop the escalation: open this link and press Acknowledge.",
        "",
        `  ${link}`,
        "",
        "Or, with a responder key, run this (replace YOUR_API_KEY with your key",
        "and YOUR_NAME with your name):",
        "",
        "curl -s -H 'content-type: application/json' \\",
        "  -H 'authorization: Bearer YOUR_API_KEY' \\",
        `  -d '{"alertId":"${alertId}","acknowledgedBy":"YOUR_NAME"}' \\`,
        `  ${publicUrl}/pager.v1.PagerService/AcknowledgeAlert`,
        "",
        "Until someone acknowledges, the next level of the escalation policy is",
        "paged when the acknowledgement delay runs out.",
        "",
      ].join("\n");

    const firstMail = await theEmailTo(first);
    expect(firstMail?.headers.get("subject")).to.equal(
      `[pager] ${service.name}: disk full on db-1`,
    );
    const firstLink = linkIn(firstMail?.text);
    expect(firstMail?.text).to.equal(body(0, firstLink));
    expect(h.fakes.smtp.sentTo(second)).to.deep.equal([]);
    expect(twilio.sentTo(phone)).to.deep.equal([]);

    h.clock.advance(60_000);
    await h.client.call(method.handleAcknowledgementTimeout, { alertId, level: 0 });
    const secondMail = await theEmailTo(second);
    expect(secondMail?.headers.get("subject")).to.equal(firstMail?.headers.get("subject"));
    const secondLink = linkIn(secondMail?.text);
    expect(secondMail?.text).to.equal(body(1, secondLink));
    const smsText = (link: string) =>
      `[pager] ${service.name}: disk full on db-1 (alert ${alertId}, level 1). ` +
      `Acknowledge: ${link} or: ${command}`;
    const [sms] = await eventually(async () => {
      expect(twilio.sentTo(phone)).to.have.length(1);
      return twilio.sentTo(phone);
    });
    const smsLink = linkIn(sms?.body);
    expect(sms).to.include({
      to: phone,
      from: h.fakes.env.PAGER_TWILIO_FROM,
      body: smsText(smsLink),
    });
    const [hook] = await eventually(async () => {
      const received = hooks.received.filter((r) => r.payload.alert_id === alertId);
      expect(received).to.have.length(1);
      return received;
    });

    const pages = await eventually(async () => {
      const all = await notificationsOf(h.client, alertId);
      expect(all.map((n) => n.state)).to.deep.equal(Array(4).fill(NotificationState.SENT));
      return all;
    });
    const byChannel = new Map(pages.map((n) => [`${n.level}:${n.target?.kind.case}`, n]));
    const webhookPage = byChannel.get("1:webhook");
    expect(hook?.idempotencyKey).to.equal(webhookPage?.id);
    const hookLink = linkIn(String(hook?.payload.acknowledge_link));
    expect(hook?.payload).to.deep.equal({
      notification_id: webhookPage?.id,
      alert_id: alertId,
      monitored_service_id: service.id,
      service: service.name,
      level: 1,
      message: "disk full on db-1",
      details: {},
      dedup_key: "",
      text: smsText(hookLink),
      acknowledge_url: `${publicUrl}/pager.v1.PagerService/AcknowledgeAlert`,
      acknowledge_link: hookLink,
    });
    // Every page has a link of its own: one token per (alert, target).
    expect(new Set([firstLink, secondLink, smsLink, hookLink]).size).to.equal(4);
    expect(pages.map((n) => n.attempts)).to.deep.equal([1, 1, 1, 1]);
    expect(pages.every((n) => n.sendTime !== undefined && n.lastError === "")).to.equal(true);
    expect(byChannel.get("0:email")?.providerMessageId).to.equal(
      firstMail?.headers.get("message-id"),
    );
    expect(byChannel.get("1:email")?.providerMessageId).to.equal(
      secondMail?.headers.get("message-id"),
    );
    expect(byChannel.get("1:sms")?.providerMessageId).to.equal(sms?.sid);
    expect(webhookPage?.providerMessageId).to.equal("");

    // The page's own instructions work: run the command the SMS gave, as pasted
    // with a responder's key.
    const { secret } = await h.client.call(ApiKeyService.method.createApiKey, {
      name: uniqueName("responder"),
      role: ApiKeyRole.RESPONDER,
    });
    const acknowledge = command.replace("YOUR_NAME", "ana").replace("YOUR_API_KEY", secret);
    await promisify(execFile)("sh", ["-c", acknowledge]);
    const { alert: after } = await h.client.call(method.getAlert, { alertId });
    expect(after).to.include({ state: AlertState.ACKNOWLEDGED, acknowledgedBy: "ana" });
  });

  it("says at start which channels are live, and never logs a secret", () => {
    const [listening] = h.logs.withMessage("pager listening");
    expect(listening?.channels).to.deep.equal({ email: "live", sms: "live", webhook: "live" });
    const everything = h.logs.raw.join("");
    for (const secret of [TWILIO_ACCOUNT.token, SMTP_ACCOUNT.pass, WEBHOOK_SECRET]) {
      expect(everything).to.not.include(secret);
    }
  });
});
