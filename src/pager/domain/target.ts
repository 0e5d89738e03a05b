import { invalidArgument } from "../../platform/errors/domain-error.js";

/** One recipient of a page; the channel is part of its identity. */
export type Target =
  | { readonly kind: "email"; readonly address: string }
  | { readonly kind: "sms"; readonly phoneNumber: string }
  | { readonly kind: "webhook"; readonly url: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9][0-9]{1,14}$/;
const MAX_ADDRESS_LENGTH = 2048;

/**
 * Rejects an address that could never be delivered, at the moment a policy is
 * written, so that a misconfigured policy is found by the person editing it
 * and not during an incident.
 */
export function validateTarget(target: Target, field: string): Target {
  switch (target.kind) {
    case "email": {
      const address = target.address.trim();
      if (address.length > MAX_ADDRESS_LENGTH || !EMAIL.test(address)) {
        throw invalidArgument(
          `${field}.email.address`,
          `"${target.address}" is not an email address (expected name@domain.tld)`,
        );
      }
      return { kind: "email", address };
    }
    case "sms": {
      const phoneNumber = target.phoneNumber.trim();
      if (!E164.test(phoneNumber)) {
        throw invalidArgument(
          `${field}.sms.phone_number`,
          `"${target.phoneNumber}" is not an E.164 phone number (expected "+" and 2 to 15 digits, e.g. +14155550123)`,
        );
      }
      return { kind: "sms", phoneNumber };
    }
    case "webhook": {
      const url = target.url.trim();
      if (url.length > MAX_ADDRESS_LENGTH || !isHttpUrl(url)) {
        throw invalidArgument(
          `${field}.webhook.url`,
          `"${target.url}" is not an absolute http or https URL`,
        );
      }
      return { kind: "webhook", url };
    }
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
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
