import { type Env, flag, optionalUrl } from "../../platform/settings/env-values.js";
import type {
  ChannelSettings,
  ChannelSetup,
  SmtpSettings,
  TwilioSettings,
  WebhookSettings,
} from "../adapters/channels/channel-setup.js";

const TWILIO_PUBLIC_API = "https://api.twilio.com";

/** Reads the channel variables; malformed values stop the start, missing companions do not. */
export function readChannelSettings(env: Env): ChannelSettings {
  return { email: readEmail(env), sms: readSms(env), webhook: readWebhook(env) };
}

function readEmail(env: Env): ChannelSetup<SmtpSettings> {
  const url = optionalUrl(env, "PAGER_SMTP_URL", ["smtp:", "smtps:"]);
  const from = env.PAGER_MAIL_FROM ?? "";
  if (from !== "" && !from.includes("@")) {
    throw new Error(`PAGER_MAIL_FROM="${from}" is not an email address (e.g. pager@example.com)`);
  }
  return setup("email", { PAGER_SMTP_URL: url, PAGER_MAIL_FROM: from || null }, (set) => ({
    url: set.PAGER_SMTP_URL,
    from: set.PAGER_MAIL_FROM,
  }));
}

function readSms(env: Env): ChannelSetup<TwilioSettings> {
  const baseUrl =
    optionalUrl(env, "PAGER_TWILIO_BASE_URL", ["https:", "http:"]) ?? new URL(TWILIO_PUBLIC_API);
  const required = {
    PAGER_TWILIO_ACCOUNT_SID: env.PAGER_TWILIO_ACCOUNT_SID || null,
    PAGER_TWILIO_AUTH_TOKEN: env.PAGER_TWILIO_AUTH_TOKEN || null,
    PAGER_TWILIO_FROM: env.PAGER_TWILIO_FROM || null,
  };
  return setup("sms", required, (set) => ({
    accountSid: set.PAGER_TWILIO_ACCOUNT_SID,
    authToken: set.PAGER_TWILIO_AUTH_TOKEN,
    from: set.PAGER_TWILIO_FROM,
    baseUrl,
  }));
}

function readWebhook(env: Env): ChannelSetup<WebhookSettings> {
  if (!flag(env, "PAGER_WEBHOOK_DELIVERY", true)) return { mode: "log" };
  return { mode: "live", settings: { secret: env.PAGER_WEBHOOK_SECRET || null } };
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
