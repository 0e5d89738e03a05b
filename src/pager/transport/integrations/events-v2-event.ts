import { dedupKeyProblem } from "../../domain/alert-details.js";
import { characterCount } from "../../domain/text-field.js";
import { JsonFields, type JsonObject, type Parsed } from "./json-fields.js";

/** What a PagerDuty Events API v2 event asks for. */
export const EVENT_ACTIONS = ["trigger", "acknowledge", "resolve"] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

/** PagerDuty's severities, in the order its refusals list them. */
export const SEVERITIES = ["critical", "warning", "error", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** PagerDuty's documented limit on `payload.summary`, in characters. */
export const MAX_SUMMARY_CHARACTERS = 1024;

/** A link or image attached to an event, as sent. */
export interface EventsV2Link {
  readonly href: string;
  readonly text: string;
}
export interface EventsV2Image {
  readonly src: string;
  readonly href: string;
  readonly alt: string;
}

/** A trigger: a problem to page about. Optional strings are "" when absent. */
export interface EventsV2Trigger {
  readonly action: "trigger";
  readonly routingKey: string;
  /** "" when the sender gave none: the pager then makes one up. */
  readonly dedupKey: string;
  readonly summary: string;
  readonly source: string;
  readonly severity: Severity;
  readonly timestamp: string;
  readonly component: string;
  readonly group: string;
  readonly class: string;
  /** Free-form, as sent; undefined when absent. */
  readonly customDetails: unknown;
  readonly client: string;
  readonly clientUrl: string;
  readonly links: readonly EventsV2Link[];
  readonly images: readonly EventsV2Image[];
}

/** An acknowledge or resolve of the alert a trigger opened, named by its dedup key. */
export interface EventsV2FollowUp {
  readonly action: "acknowledge" | "resolve";
  readonly routingKey: string;
  readonly dedupKey: string;
}

export type EventsV2Event = EventsV2Trigger | EventsV2FollowUp;

/**
 * Reads a PagerDuty Events API v2 event (`POST /v2/enqueue`) the way
 * PagerDuty does: `routing_key` and `event_action` always, `dedup_key` for
 * acknowledge and resolve, a payload with `summary` (at most 1024
 * characters), `source` and a known `severity` for a trigger. Every problem
 * is reported, worded as PagerDuty words them. Fields PagerDuty ignores for
 * an action (a resolve's payload) are ignored here too.
 */
export function parseEventsV2Event(body: JsonObject): Parsed<EventsV2Event> {
  const fields = JsonFields.of(body);
  const routingKey = fields.string("routing_key", true);
  const action = fields.oneOf("event_action", EVENT_ACTIONS);
  const dedupKey = fields.string("dedup_key", action === "acknowledge" || action === "resolve");
  const problem = dedupKeyProblem(dedupKey);
  if (problem !== null) fields.fail("dedup_key", problem);
  if (action !== "trigger") {
    // A missing or unknown action is already an error: the action given here is never used.
    return fields.result({ action: action ?? "resolve", routingKey, dedupKey });
  }
  const payload = fields.object("payload", true);
  const summary = payload?.string("summary", true) ?? "";
  if (characterCount(summary) > MAX_SUMMARY_CHARACTERS) {
    payload?.fail("summary", `must be at most ${MAX_SUMMARY_CHARACTERS} characters`);
  }
  const trigger: EventsV2Trigger = {
    action,
    routingKey,
    dedupKey: dedupKey.trim() === "" ? "" : dedupKey,
    summary,
    source: payload?.string("source", true) ?? "",
    severity: payload?.oneOf("severity", SEVERITIES) ?? "error",
    timestamp: payload?.string("timestamp") ?? "",
    component: payload?.string("component") ?? "",
    group: payload?.string("group") ?? "",
    class: payload?.string("class") ?? "",
    customDetails: payload?.raw("custom_details"),
    client: fields.string("client"),
    clientUrl: fields.string("client_url"),
    links: fields.objects("links").map((link) => ({
      href: link.string("href", true),
      text: link.string("text"),
    })),
    images: fields.objects("images").map((image) => ({
      src: image.string("src", true),
      href: image.string("href"),
      alt: image.string("alt"),
    })),
  };
  return fields.result(trigger);
}
