import { invalidArgument } from "../../platform/errors/domain-error.js";
import { quoted } from "../../platform/errors/quoted.js";
import { checkText } from "./text-field.js";
import { type WebhookHostRule, webhookHostProblem } from "./webhook-hosts.js";

/** One recipient of a page; the channel is part of its identity. */
export type Target =
  | { readonly kind: "email"; readonly address: string }
  | { readonly kind: "sms"; readonly phoneNumber: string }
  | { readonly kind: "webhook"; readonly url: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9][0-9]{1,14}$/;
/** Bytes of UTF-8; the most a mail server accepts in a path (RFC 5321). */
const MAX_EMAIL_BYTES = 254;
/**
 * Bytes of UTF-8. A target is part of a unique index key of pages, which
 * PostgreSQL caps at about 2700 bytes: a longer URL would be accepted here
 * and then fail every alert of its policy.
 */
const MAX_URL_BYTES = 2048;

/**
 * Rejects an address that could never be delivered, at the moment a policy is
 * written, so that a misconfigured policy is found by the person editing it
 * and not during an incident. A webhook must not point inside the network
 * the pager runs in (its loopback, link-local, private addresses) unless
 * `webhookHosts` allows that host: whoever writes a policy could otherwise
 * make the pager call internal services for them.
 */
export function validateTarget(
  target: Target,
  field: string,
  webhookHosts: WebhookHostRule,
): Target {
  switch (target.kind) {
    case "email": {
      const address = target.address.trim();
      checkText(address, `${field}.email.address`, MAX_EMAIL_BYTES);
      if (!EMAIL.test(address)) {
        throw invalidArgument(
          `${field}.email.address`,
          `${quoted(target.address)} is not an email address (expected name@domain.tld)`,
        );
      }
      return { kind: "email", address };
    }
    case "sms": {
      const phoneNumber = target.phoneNumber.trim();
      if (!E164.test(phoneNumber)) {
        throw invalidArgument(
          `${field}.sms.phone_number`,
          `${quoted(target.phoneNumber)} is not an E.164 phone number (expected "+" and 2 to 15 digits, e.g. +14155550123)`,
        );
      }
      return { kind: "sms", phoneNumber };
    }
    case "webhook": {
      const url = target.url.trim();
      const at = `${field}.webhook.url`;
      checkText(url, at, MAX_URL_BYTES);
      const parsed = httpUrl(url);
      if (parsed === null) {
        throw invalidArgument(at, `${quoted(target.url)} is not an absolute http or https URL`);
      }
      if (parsed.username !== "" || parsed.password !== "") {
        throw invalidArgument(
          at,
          "must not carry a user name or password (use a secret path, or verify PAGER_WEBHOOK_SECRET signatures)",
        );
      }
      const problem = webhookHostProblem(parsed.hostname, webhookHosts);
      if (problem !== null) {
        throw invalidArgument(
          at,
          `may not point inside the pager's network: ${problem} (an operator may allow it with PAGER_WEBHOOK_ALLOWED_HOSTS)`,
        );
      }
      return { kind: "webhook", url };
    }
  }
}

function httpUrl(value: string): URL | null {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== ""
      ? url
      : null;
  } catch {
    return null;
  }
}

/**
 * A stable identity for a target, used to refuse duplicates in a level and
 * by the database to guarantee one page per (alert, level, target).
 */
export function targetKey(target: Target): string {
  switch (target.kind) {
    case "email":
      return `email:${target.address.toLowerCase()}`;
    case "sms":
      return `sms:${target.phoneNumber}`;
    case "webhook":
      return `webhook:${target.url}`;
  }
}

/** Fits `acknowledged_by`, where a target acknowledging by link is named. */
const MAX_LABEL_LENGTH = 200;

/**
 * How a target is named where people read it (the timeline, who
 * acknowledged): the address or number; a webhook by its host only, since
 * its URL often carries a secret.
 */
export function targetLabel(target: Target): string {
  switch (target.kind) {
    case "email":
      return target.address.slice(0, MAX_LABEL_LENGTH);
    case "sms":
      return target.phoneNumber;
    case "webhook":
      return `webhook at ${new URL(target.url).host}`.slice(0, MAX_LABEL_LENGTH);
  }
}
