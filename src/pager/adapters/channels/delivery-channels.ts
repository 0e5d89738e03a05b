import type { Logger } from "pino";
import type { NotificationChannel } from "../../app/notification-channel.js";
import type { PageLinks } from "../../app/page-message.js";
import type { Target } from "../../domain/target.js";
import type { ChannelSettings, ChannelSetup } from "./channel-setup.js";
import { LogChannel } from "./log-channel.js";
import { MisconfiguredChannel } from "./misconfigured-channel.js";
import { SmtpEmailChannel } from "./smtp-email-channel.js";
import { TwilioSmsChannel } from "./twilio-sms-channel.js";
import { WebhookChannel } from "./webhook-channel.js";
import type { Resolver } from "./webhook-destination.js";

/** What the channels need besides their own settings. */
export interface DeliveryChannelOptions {
  /** The acknowledgement link and command written into every page. */
  readonly links: PageLinks;
  readonly timeoutMs: number;
  readonly logger: Logger;
  readonly webhookResolver?: Resolver | undefined;
}

/** The channel for each kind of target, chosen once at start. */
export interface DeliveryChannels {
  channelFor(target: Target): NotificationChannel;
  /** Per channel: "live", "log only (set …)" or "misconfigured: …"; never a secret. */
  readonly status: Readonly<Record<Target["kind"], string>>;
  /** Closes kept-open provider connections. */
  close(): void;
}

/** What to set to take a channel off the log, for the start line. */
const TO_GO_LIVE: Record<Target["kind"], string> = {
  email: "set PAGER_SMTP_URL and PAGER_MAIL_FROM",
  sms: "set PAGER_TWILIO_ACCOUNT_SID, PAGER_TWILIO_AUTH_TOKEN and PAGER_TWILIO_FROM",
  webhook: "set PAGER_WEBHOOK_DELIVERY=on",
};

/**
 * Builds every channel from its setup: a provider when configured, the log
 * channel when nothing was set, and a channel that fails with what to set
 * when the setup is incomplete. The start line reports which is which.
 */
export function buildDeliveryChannels(
  settings: ChannelSettings,
  options: DeliveryChannelOptions,
): DeliveryChannels {
  const { links, timeoutMs } = options;
  const log = new LogChannel(options.logger.child({ component: "log-channel" }));
  const email = choose(
    "email",
    settings.email,
    (s) => new SmtpEmailChannel(s, links, timeoutMs),
    log,
  );
  const sms = choose("sms", settings.sms, (s) => new TwilioSmsChannel(s, links, timeoutMs), log);
  const webhook = choose(
    "webhook",
    settings.webhook,
    (s) => new WebhookChannel(s, links, timeoutMs, settings.webhookHosts, options.webhookResolver),
    log,
  );
  const channels = { email, sms, webhook };
  return {
    channelFor: (target) => channels[target.kind].channel,
    status: { email: email.status, sms: sms.status, webhook: webhook.status },
    close: () => {
      for (const { channel } of Object.values(channels)) channel.close?.();
    },
  };
}

function choose<S>(
  kind: Target["kind"],
  setup: ChannelSetup<S>,
  live: (settings: S) => NotificationChannel,
  log: NotificationChannel,
): { channel: NotificationChannel; status: string } {
  switch (setup.mode) {
    case "live":
      return { channel: live(setup.settings), status: "live" };
    case "log":
      return { channel: log, status: `log only (${TO_GO_LIVE[kind]})` };
    case "misconfigured":
      return {
        channel: new MisconfiguredChannel(setup.problem),
        status: `misconfigured: ${setup.problem}`,
      };
  }
}
