import type { WebhookHostRule } from "../../domain/webhook-hosts.js";
/**
 * How one channel runs: through its provider, to the log only (nothing was
 * set: a fresh install still shows its pages), or not at all because it is
 * half set up. A half set up channel is never quietly turned into the log:
 * its pages fail with `problem`, which says what to set.
 */
export type ChannelSetup<S> =
  | { readonly mode: "live"; readonly settings: S }
  | { readonly mode: "log" }
  | { readonly mode: "misconfigured"; readonly problem: string };

/** Email over SMTP. */
export interface SmtpSettings {
  /** smtp:// (STARTTLS when offered) or smtps://, with credentials and nodemailer query options. */
  readonly url: URL;
  readonly from: string;
  /** Refuse a relay that offers no STARTTLS: set when an smtp:// URL carries credentials. */
  readonly requireTls: boolean;
}

/** SMS through Twilio's Messages API or a compatible gateway. */
export interface TwilioSettings {
  readonly accountSid: string;
  readonly authToken: string;
  readonly from: string;
  readonly baseUrl: URL;
}

/** Webhooks need no provider; the secret, when set, signs every body. */
export interface WebhookSettings {
  readonly secret: string | null;
}

/** Every channel's setup, as decided from the environment at start. */
export interface ChannelSettings {
  readonly email: ChannelSetup<SmtpSettings>;
  readonly sms: ChannelSetup<TwilioSettings>;
  readonly webhook: ChannelSetup<WebhookSettings>;
  /** PAGER_WEBHOOK_ALLOWED_HOSTS: the internal receivers webhooks may reach; none by default. */
  readonly webhookHosts: WebhookHostRule;
}
