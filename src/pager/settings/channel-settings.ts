import { type Env, flag, optionalUrl, text } from "../../platform/settings/env-values.js";
import type { Setting } from "../../platform/settings/setting.js";
import type {
  ChannelSettings,
  ChannelSetup,
  SmtpSettings,
  TwilioSettings,
  WebhookSettings,
} from "../adapters/channels/channel-setup.js";
import {
  NO_INTERNAL_HOSTS,
  parseWebhookHostRule,
  type WebhookHostRule,
} from "../domain/webhook-hosts.js";

const TWILIO_PUBLIC_API = "https://api.twilio.com";

/** The variables of the notification channels, as read and documented. */
export const CHANNEL_SETTINGS = {
  smtpUrl: {
    kind: "url",
    name: "PAGER_SMTP_URL",
    protocols: ["smtp:", "smtps:"],
    meaning:
      "Email: `smtp://user:pass@host:587` (STARTTLS required when the URL has credentials, else used when offered) or `smtps://…:465`. See [Real notifications](#real-notifications).",
  },
  smtpPlaintextAuth: {
    kind: "flag",
    name: "PAGER_SMTP_PLAINTEXT_AUTH",
    fallback: false,
    meaning:
      "Email: `on` lets an `smtp://` URL's credentials go to a relay that offers no STARTTLS, in clear (a relay on a trusted network only). `off`: such a relay is refused and the page is retried, the password never sent.",
  },
  mailFrom: {
    kind: "text",
    name: "PAGER_MAIL_FROM",
    fallback: null,
    meaning: "Email: the sender, e.g. `Pager <pager@example.com>`.",
  },
  twilioAccountSid: {
    kind: "text",
    name: "PAGER_TWILIO_ACCOUNT_SID",
    fallback: null,
    meaning: "SMS: the Twilio account SID (`AC…`).",
  },
  twilioAuthToken: {
    kind: "text",
    name: "PAGER_TWILIO_AUTH_TOKEN",
    fallback: null,
    meaning: "SMS: the Twilio auth token. Never logged.",
  },
  twilioFrom: {
    kind: "text",
    name: "PAGER_TWILIO_FROM",
    fallback: null,
    meaning: "SMS: the sending number, e.g. `+14155550100`.",
  },
  twilioBaseUrl: {
    kind: "url",
    name: "PAGER_TWILIO_BASE_URL",
    protocols: ["https:", "http:"],
    shownDefault: `\`${TWILIO_PUBLIC_API}\``,
    meaning:
      "SMS: where the Twilio Messages API is; any gateway speaking it will do. `https://`, or `http://` on a loopback address only: the auth token goes with every request.",
  },
  webhookDelivery: {
    kind: "flag",
    name: "PAGER_WEBHOOK_DELIVERY",
    fallback: true,
    meaning: "`off` sends webhook pages to the log instead of POSTing them.",
  },
  webhookSecret: {
    kind: "text",
    name: "PAGER_WEBHOOK_SECRET",
    fallback: null,
    meaning: "Signs every webhook body (HMAC-SHA256 header). Never logged.",
  },
  webhookAllowedHosts: {
    kind: "text",
    name: "PAGER_WEBHOOK_ALLOWED_HOSTS",
    fallback: null,
    meaning:
      "Comma-separated internal receivers webhooks may reach: host names (`hooks.internal`, or `.corp.example.com` for a domain and its subdomains), addresses and CIDR blocks (`10.1.0.0/16`, `fd00::/8`). Unset: webhooks to loopback, link-local (`169.254.169.254`), private, unique-local, IPv4-mapped and unspecified addresses are refused, both when a policy is written and, after DNS, when a page is sent.",
  },
} as const satisfies Record<string, Setting>;

/** Reads the channel variables; malformed values stop the start, missing companions do not. */
export function readChannelSettings(env: Env): ChannelSettings {
  return {
    email: readEmail(env),
    sms: readSms(env),
    webhook: readWebhook(env),
    webhookHosts: readWebhookHosts(env),
  };
}

function readWebhookHosts(env: Env): WebhookHostRule {
  const raw = text(env, CHANNEL_SETTINGS.webhookAllowedHosts);
  if (raw === null) return NO_INTERNAL_HOSTS;
  const entries = raw
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  const rule = parseWebhookHostRule(entries);
  if (rule === null) {
    throw new Error(
      `PAGER_WEBHOOK_ALLOWED_HOSTS="${raw}" must be comma-separated host names (hooks.internal, .corp.example.com), addresses or CIDR blocks (10.1.0.0/16)`,
    );
  }
  return rule;
}

function readEmail(env: Env): ChannelSetup<SmtpSettings> {
  const url = optionalUrl(env, CHANNEL_SETTINGS.smtpUrl);
  const requireTls =
    url !== null && mustStartTls(url, flag(env, CHANNEL_SETTINGS.smtpPlaintextAuth));
  const from = text(env, CHANNEL_SETTINGS.mailFrom);
  if (from !== null && !from.includes("@")) {
    throw new Error(`PAGER_MAIL_FROM="${from}" is not an email address (e.g. pager@example.com)`);
  }
  return setup("email", { PAGER_SMTP_URL: url, PAGER_MAIL_FROM: from }, (set) => ({
    url: set.PAGER_SMTP_URL,
    from: set.PAGER_MAIL_FROM,
    requireTls,
  }));
}

/**
 * Credentials over `smtp://` travel in clear unless the session is upgraded:
 * with them, STARTTLS is required unless the operator opted out. A URL
 * option that would turn the upgrade off is refused rather than obeyed.
 */
function mustStartTls(url: URL, plaintextAuth: boolean): boolean {
  if (url.protocol !== "smtp:" || url.username === "" || plaintextAuth) return false;
  for (const option of ["requireTLS", "ignoreTLS", "opportunisticTLS"]) {
    if (url.searchParams.has(option)) {
      throw new Error(
        `PAGER_SMTP_URL: the ${option} option is not honoured for an smtp:// URL with credentials, which always requires STARTTLS; set PAGER_SMTP_PLAINTEXT_AUTH=on to send them without it`,
      );
    }
  }
  return true;
}

function readSms(env: Env): ChannelSetup<TwilioSettings> {
  const baseUrl = optionalUrl(env, CHANNEL_SETTINGS.twilioBaseUrl) ?? new URL(TWILIO_PUBLIC_API);
  if (baseUrl.protocol === "http:" && !isLoopback(baseUrl.hostname)) {
    throw new Error(
      "PAGER_TWILIO_BASE_URL must be https:// (http:// only on a loopback address such as 127.0.0.1): the auth token goes with every request",
    );
  }
  const required = {
    PAGER_TWILIO_ACCOUNT_SID: text(env, CHANNEL_SETTINGS.twilioAccountSid),
    PAGER_TWILIO_AUTH_TOKEN: text(env, CHANNEL_SETTINGS.twilioAuthToken),
    PAGER_TWILIO_FROM: text(env, CHANNEL_SETTINGS.twilioFrom),
  };
  return setup("sms", required, (set) => ({
    accountSid: set.PAGER_TWILIO_ACCOUNT_SID,
    authToken: set.PAGER_TWILIO_AUTH_TOKEN,
    from: set.PAGER_TWILIO_FROM,
    baseUrl,
  }));
}

function readWebhook(env: Env): ChannelSetup<WebhookSettings> {
  if (!flag(env, CHANNEL_SETTINGS.webhookDelivery)) return { mode: "log" };
  return { mode: "live", settings: { secret: text(env, CHANNEL_SETTINGS.webhookSecret) } };
}

/**
 * None of a channel's required variables set: log only. All of them: live.
 * Some: misconfigured, naming the ones still to set.
 */
function setup<R extends Record<string, unknown>, S>(
  channel: string,
  required: { [K in keyof R]: R[K] | null },
  build: (set: R) => S,
): ChannelSetup<S> {
  const names = Object.keys(required);
  const missing = names.filter((name) => required[name] === null);
  if (missing.length === names.length) return { mode: "log" };
  if (missing.length === 0) return { mode: "live", settings: build(required as R) };
  const present = names.filter((name) => !missing.includes(name));
  return {
    mode: "misconfigured",
    problem:
      `the ${channel} channel is not fully configured: set ${missing.join(" and ")} ` +
      `(${present.join(" and ")} ${present.length === 1 ? "is" : "are"} set)`,
  };
}

/** Loopback names and addresses: traffic to them never leaves the machine. */
function isLoopback(hostname: string): boolean {
  return (
    hostname === "localhost" ||
    hostname === "[::1]" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}
