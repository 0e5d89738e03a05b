import { type AlertDetails, fitDetails } from "../../domain/alert-details.js";
import type { EventsV2Trigger } from "./events-v2-event.js";

/**
 * What a trigger said besides its summary, as alert details: the PagerDuty
 * Common Event Format fields by their own names, each `custom_details` entry
 * as `custom.<key>` (text as sent, anything else as JSON), and the links and
 * images one per line. Whatever does not fit the details' limits is trimmed,
 * never refused: PagerDuty accepts any custom details up to the event's size.
 */
export function triggerDetails(event: EventsV2Trigger): AlertDetails {
  return fitDetails([
    ["severity", event.severity],
    ["source", event.source],
    ["timestamp", event.timestamp],
    ["component", event.component],
    ["group", event.group],
    ["class", event.class],
    ["client", event.client],
    ["client_url", event.clientUrl],
    ...customDetails(event.customDetails),
    ["links", event.links.map((link) => labelled(link.text, link.href)).join("\n")],
    ["images", event.images.map((image) => labelled(image.alt, image.src)).join("\n")],
  ]);
}

function customDetails(value: unknown): [string, string][] {
  if (value === undefined || value === null) return [];
  if (typeof value !== "object" || Array.isArray(value)) return [["custom_details", text(value)]];
  return Object.entries(value).map(([key, detail]) => [`custom.${key}`, text(detail)]);
}

function text(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function labelled(label: string, url: string): string {
  return label === "" ? url : `${label}: ${url}`;
}
