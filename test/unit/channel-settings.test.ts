import { expect } from "chai";
import { readConfig } from "../../src/pager/settings/pager-config.js";

/** readConfig's channel and delivery settings: what is live, what logs, what fails, and why. */
describe("channel settings (readConfig)", () => {
  it("nothing set: email and SMS log only, webhooks live, defaults for delivery", () => {
    const config = readConfig({});
    expect(config.channels).to.deep.equal({
      email: { mode: "log" },
      sms: { mode: "log" },
      webhook: { mode: "live", settings: { secret: null } },
      webhookHosts: { names: [], ranges: [] },
    });
    expect(config).to.include({
      deliveryRetryBaseMs: 1000,
      deliveryTimeoutMs: 10_000,
      publicUrl: null,
    });
  });

  it("every variable of a channel set: live with its settings", () => {
    const { channels } = readConfig({
      PAGER_SMTP_URL: "smtp://u:p@mail.example.com:587",
      PAGER_MAIL_FROM: "Pager <pager@example.com>",
      PAGER_TWILIO_ACCOUNT_SID: "AC1",
      PAGER_TWILIO_AUTH_TOKEN: "token",
      PAGER_TWILIO_FROM: "+15005550006",
      PAGER_WEBHOOK_SECRET: "s3cret",
    });
    expect(channels.email).to.deep.equal({
      mode: "live",
      settings: {
        url: new URL("smtp://u:p@mail.example.com:587"),
        from: "Pager <pager@example.com>",
        requireTls: true,
      },
    });
    expect(channels.sms).to.deep.equal({
      mode: "live",
      settings: {
        accountSid: "AC1",
        authToken: "token",
        from: "+15005550006",
        baseUrl: new URL("https://api.twilio.com"),
      },
    });
    expect(channels.webhook).to.deep.equal({ mode: "live", settings: { secret: "s3cret" } });
  });

  it("some variables of a channel set: misconfigured, naming what is missing", () => {
    const { channels } = readConfig({
      PAGER_SMTP_URL: "smtps://mail.example.com",
      PAGER_TWILIO_AUTH_TOKEN: "token",
    });
    expect(channels.email).to.deep.equal({
      mode: "misconfigured",
      problem:
        "the email channel is not fully configured: set PAGER_MAIL_FROM (PAGER_SMTP_URL is set)",
    });
    expect(channels.sms).to.deep.equal({
      mode: "misconfigured",
      problem:
        "the sms channel is not fully configured: set PAGER_TWILIO_ACCOUNT_SID and " +
        "PAGER_TWILIO_FROM (PAGER_TWILIO_AUTH_TOKEN is set)",
    });
  });

  it("PAGER_WEBHOOK_DELIVERY=off sends webhooks to the log", () => {
    expect(readConfig({ PAGER_WEBHOOK_DELIVERY: "off" }).channels.webhook).to.deep.equal({
      mode: "log",
    });
  });

  it("malformed values stop the start, naming the variable and never echoing a password", () => {
    const refusals: [Record<string, string>, RegExp][] = [
      [{ PAGER_SMTP_URL: "//mail.example.com:587" }, /^PAGER_SMTP_URL is not a URL/],
      [{ PAGER_SMTP_URL: "http://u:hunter2@mail.example.com" }, /^PAGER_SMTP_URL must be a smtp:/],
      [{ PAGER_MAIL_FROM: "pager" }, /^PAGER_MAIL_FROM="pager" is not an email address/],
      [{ PAGER_TWILIO_BASE_URL: "ftp://gw" }, /^PAGER_TWILIO_BASE_URL must be a https:/],
      [{ PAGER_PUBLIC_URL: "pager.example.com" }, /^PAGER_PUBLIC_URL is not a URL/],
      [{ PAGER_WEBHOOK_DELIVERY: "maybe" }, /^PAGER_WEBHOOK_DELIVERY="maybe" must be on or off/],
      [{ PAGER_DELIVERY_RETRY_BASE_MS: "0" }, /^PAGER_DELIVERY_RETRY_BASE_MS="0" must be/],
    ];
    for (const [env, message] of refusals) {
      expect(() => readConfig(env), JSON.stringify(env)).to.throw(message);
    }
    expect(() => readConfig({ PAGER_SMTP_URL: "http://u:hunter2@mail.example.com" }))
      .to.throw()
      .with.property("message")
      .that.does.not.include("hunter2");
  });

  it("smtp:// with credentials requires STARTTLS unless PAGER_SMTP_PLAINTEXT_AUTH=on", () => {
    const requireTls = (env: Record<string, string>) => {
      const { email } = readConfig({ PAGER_MAIL_FROM: "pager@example.com", ...env }).channels;
      return email.mode === "live" ? email.settings.requireTls : email.mode;
    };
    expect(requireTls({ PAGER_SMTP_URL: "smtp://u:p@mail.example.com:587" })).to.equal(true);
    expect(requireTls({ PAGER_SMTP_URL: "smtp://mail.example.com:25" })).to.equal(false);
    expect(requireTls({ PAGER_SMTP_URL: "smtps://u:p@mail.example.com" })).to.equal(false);
    expect(
      requireTls({
        PAGER_SMTP_URL: "smtp://u:p@mail.example.com:587?ignoreTLS=true",
        PAGER_SMTP_PLAINTEXT_AUTH: "on",
      }),
    ).to.equal(false);
    expect(() => readConfig({ PAGER_SMTP_URL: "smtp://u:hunter2@relay:25?ignoreTLS=true" }))
      .to.throw(/^PAGER_SMTP_URL: the ignoreTLS option .* PAGER_SMTP_PLAINTEXT_AUTH=on/)
      .with.property("message")
      .that.does.not.include("hunter2");
  });

  it("PAGER_TWILIO_BASE_URL must be https:// unless it is a loopback gateway", () => {
    const sms = {
      PAGER_TWILIO_ACCOUNT_SID: "AC1",
      PAGER_TWILIO_AUTH_TOKEN: "t",
      PAGER_TWILIO_FROM: "+1",
    };
    for (const base of [
      "http://127.0.0.1:8080",
      "http://localhost:1",
      "http://[::1]:2",
      "https://sms.example.com",
    ]) {
      expect(readConfig({ ...sms, PAGER_TWILIO_BASE_URL: base }).channels.sms.mode, base).to.equal(
        "live",
      );
    }
    for (const base of [
      "http://sms.example.com",
      "http://10.0.0.5:8080",
      "http://127.example.com",
    ]) {
      expect(() => readConfig({ ...sms, PAGER_TWILIO_BASE_URL: base }), base).to.throw(
        /^PAGER_TWILIO_BASE_URL must be https:\/\/ \(http:\/\/ only on a loopback address/,
      );
    }
  });

  it("a delivery timeout must be shorter than the lease; by default it is at most half of it", () => {
    expect(readConfig({ PAGER_WORKER_LEASE_MS: "3000" }).deliveryTimeoutMs).to.equal(1500);
    expect(() =>
      readConfig({ PAGER_WORKER_LEASE_MS: "3000", PAGER_DELIVERY_TIMEOUT_MS: "3000" }),
    ).to.throw("PAGER_DELIVERY_TIMEOUT_MS=3000 must be shorter than PAGER_WORKER_LEASE_MS=3000");
  });

  it("PAGER_PUBLIC_URL loses its trailing slash, so paths append cleanly", () => {
    expect(readConfig({ PAGER_PUBLIC_URL: "https://pager.example.com/" }).publicUrl).to.equal(
      "https://pager.example.com",
    );
    expect(readConfig({ PAGER_PUBLIC_URL: "https://example.com/pager/" }).publicUrl).to.equal(
      "https://example.com/pager",
    );
  });
});
