import type { AlertDetails } from "../domain/alert-details.js";
import type { PageDelivery } from "./notification-channel.js";

/** A page as a person reads it: an email subject and body, and an SMS-sized text. */
export interface PageMessage {
  readonly subject: string;
  readonly body: string;
  /** One paragraph for SMS, at most {@link MAX_SHORT_MESSAGE} characters of the alert text. */
  readonly short: string;
  /** The page's own acknowledgement link, as written in the texts. */
  readonly acknowledgeLink: string;
}

/** Where a page sends the person paged. */
export interface PageLinks {
  /** The pager's address as the people paged reach it: base of the acknowledge command. */
  readonly publicUrl: string;
  /** This page's acknowledgement link: `<publicUrl>/ack/<token>`, for its alert and target only. */
  acknowledgeLink(notificationId: string): string;
}

const MAX_SUBJECT_MESSAGE = 120;
/** Twilio refuses bodies over 1600 characters; the alert text is cut well before that. */
const MAX_SHORT_MESSAGE = 300;
const ACKNOWLEDGE_PATH = "/pager.v1.PagerService/AcknowledgeAlert";
/** The details that tell at a glance how bad and where: listed first, and the only ones in an SMS. */
const GIST_KEYS: readonly string[] = ["severity", "source"];
/** How much of each gist value an SMS carries. */
const MAX_GIST_VALUE = 60;
/** Detail keys are padded to align their values, up to this width. */
const MAX_KEY_PAD = 20;

/**
 * Writes the page every channel sends. A person woken at night must see at
 * once which service, what is wrong and how bad (the level), and must be able
 * to stop the escalation from the page itself: with the page's link, opened
 * on a phone (only its button acknowledges, so link scanners do not), or a
 * command to paste, with the alert id filled in, for those without a browser.
 */
export function composePage(page: PageDelivery, links: PageLinks): PageMessage {
  const { publicUrl } = links;
  const acknowledgeLink = links.acknowledgeLink(page.notificationId);
  return {
    acknowledgeLink,
    subject: `[pager] ${page.serviceName}: ${headline(page.message, MAX_SUBJECT_MESSAGE)}`,
    body: [
      `${page.serviceName} is unhealthy and you are on call for it.`,
      "",
      `Service:  ${page.serviceName}`,
      `Message:  ${page.message}`,
      `Alert:    ${page.alertId}`,
      `Level:    ${page.level} (escalation levels count from 0)`,
      "",
      ...detailLines(page.details),
      "Acknowledge to stop the escalation: open this link and press Acknowledge.",
      "",
      `  ${acknowledgeLink}`,
      "",
      "Or, with a responder key, run this (replace YOUR_API_KEY with your key",
      "and YOUR_NAME with your name):",
      "",
      acknowledgeCommand(page.alertId, publicUrl, " \\\n  "),
      "",
      "Until someone acknowledges, the next level of the escalation policy is",
      "paged when the acknowledgement delay runs out.",
      "",
    ].join("\n"),
    short:
      `[pager] ${page.serviceName}: ${headline(page.message, MAX_SHORT_MESSAGE)} ` +
      `(${gistOf(page.details)}alert ${page.alertId}, level ${page.level}). ` +
      `Acknowledge: ${acknowledgeLink} or: ${acknowledgeCommand(page.alertId, publicUrl, " ")}`,
  };
}

/**
 * The email's "Details:" block, the gist first and the rest by key, values
 * of several lines indented under their key; nothing when there are none.
 */
function detailLines(details: AlertDetails): string[] {
  const keys = Object.keys(details);
  if (keys.length === 0) return [];
  const gist = GIST_KEYS.filter((key) => key in details);
  const rest = keys.filter((key) => !GIST_KEYS.includes(key)).sort();
  const pad = Math.min(MAX_KEY_PAD, Math.max(...keys.map((key) => key.length)) + 1);
  const lines = [...gist, ...rest].map((key) => {
    const value = (details[key] ?? "").split("\n").join(`\n    ${" ".repeat(pad)}`);
    return `  ${`${key}:`.padEnd(pad + 1)} ${value}`;
  });
  return ["Details:", ...lines, ""];
}

/** "severity critical, source db-1; " for an SMS, or "" when the alert has neither. */
function gistOf(details: AlertDetails): string {
  const parts = GIST_KEYS.flatMap((key) => {
    const value = details[key];
    return value === undefined ? [] : [`${key} ${headline(value, MAX_GIST_VALUE)}`];
  });
  return parts.length === 0 ? "" : `${parts.join(", ")}; `;
}

/** Where AcknowledgeAlert is served over the Connect protocol (plain HTTP POST of JSON). */
export function acknowledgeUrl(publicUrl: string): string {
  return `${publicUrl}${ACKNOWLEDGE_PATH}`;
}

/**
 * A command that works from any shell with curl, spelled out so it can be
 * pasted as is once the person's key and name are filled in.
 */
function acknowledgeCommand(alertId: string, publicUrl: string, separator: string): string {
  const body = JSON.stringify({ alertId, acknowledgedBy: "YOUR_NAME" });
  return [
    "curl -s -H 'content-type: application/json'",
    "-H 'authorization: Bearer YOUR_API_KEY'",
    `-d '${body}'`,
    acknowledgeUrl(publicUrl),
  ].join(separator);
}

/** The first line of the alert text, cut to `max`, marked when anything was left out. */
function headline(text: string, max: number): string {
  const [first = ""] = text.split("\n", 1);
  if (first.length > max) return `${first.slice(0, max - 1)}…`;
  return first.length < text.length ? `${first} …` : first;
}
