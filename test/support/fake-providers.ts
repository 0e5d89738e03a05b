import { FakeSmtpServer } from "./fake-smtp-server.js";
import { FakeTwilio } from "./fake-twilio.js";
import { FakeWebhookReceiver } from "./fake-webhook-receiver.js";

/** The three providers a pager pages through, each a real server on loopback. */
export interface FakeProviders {
  readonly smtp: FakeSmtpServer;
  readonly twilio: FakeTwilio;
  readonly hooks: FakeWebhookReceiver;
  /** The settings that make every channel of a pager live against these fakes. */
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** Starts an SMTP relay, a Twilio API and a webhook receiver sharing `webhookSecret`. */
export async function startFakeProviders(webhookSecret: string): Promise<FakeProviders> {
  const [smtp, twilio, hooks] = await Promise.all([
    FakeSmtpServer.start(),
    FakeTwilio.start(),
    FakeWebhookReceiver.start(webhookSecret),
  ]);
  return {
    smtp,
    twilio,
    hooks,
    env: {
      ...smtp.env(),
      ...twilio.env(),
      PAGER_WEBHOOK_DELIVERY: "on",
      PAGER_WEBHOOK_SECRET: webhookSecret,
    },
    async close() {
      await Promise.all([smtp.close(), twilio.http.close(), hooks.http.close()]);
    },
  };
}
