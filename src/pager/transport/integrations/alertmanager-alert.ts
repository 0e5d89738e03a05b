import { createHash } from "node:crypto";
import {
  type AlertDetails,
  cleanText,
  cut,
  dedupKeyProblem,
  fitDetails,
} from "../../domain/alert-details.js";
import type { AlertmanagerNotification, LabelSet } from "./alertmanager-notification.js";

/** A page's headline, as long as a PagerDuty summary may be: not a log. */
const MAX_MESSAGE_CHARACTERS = 1024;

/**
 * The group's deduplication key: its group key, which names the group for as
 * long as it exists, so the resolve names the alert the trigger opened. A
 * key too long to store (large label sets) becomes its SHA-256 in hex, the
 * very key Alertmanager's own PagerDuty notifier sends for the group.
 */
export function groupDedupKey(notification: AlertmanagerNotification): string {
  const { groupKey } = notification;
  if (dedupKeyProblem(groupKey) === null) return groupKey;
  return createHash("sha256").update(groupKey).digest("hex");
}

/**
 * What the page says: the group's common `summary` annotation, else the
 * names of its firing alerts, else how many fire.
 */
export function groupMessage(notification: AlertmanagerNotification): string {
  return cut(cleanText(headline(notification)), MAX_MESSAGE_CHARACTERS);
}

function headline({ commonAnnotations, alerts, groupKey }: AlertmanagerNotification): string {
  const summary = commonAnnotations.summary?.trim() ?? "";
  if (summary !== "") return summary;
  const firing = alerts.filter((alert) => alert.status === "firing");
  const names = new Set(firing.map((alert) => alert.labels.alertname?.trim() ?? ""));
  names.delete("");
  if (names.size > 0) return [...names].join(", ");
  const count = firing.length === 1 ? "1 alert" : `${firing.length} alerts`;
  return `${count} firing in Alertmanager group ${groupKey}`;
}

/**
 * The group's labels and annotations as details (`label.<name>`,
 * `annotation.<name>`, and `severity` from the label of that name, which an
 * SMS shows), where it came from, and, for a group of several alerts, one
 * line per alert with what sets it apart.
 */
export function groupDetails(notification: AlertmanagerNotification): AlertDetails {
  const { commonLabels, commonAnnotations, alerts } = notification;
  const firing = alerts.filter((alert) => alert.status === "firing").length;
  return fitDetails([
    ["severity", commonLabels.severity ?? ""],
    ...prefixed("label.", commonLabels),
    ...prefixed("annotation.", commonAnnotations),
    ["alertmanager.firing", String(firing)],
    ["alertmanager.resolved", String(alerts.length - firing)],
    ["alertmanager.truncated_alerts", String(notification.truncatedAlerts || "")],
    ["alertmanager.receiver", notification.receiver],
    ["alertmanager.url", notification.externalUrl],
    ["alerts", alerts.length < 2 ? "" : alertLines(notification)],
  ]);
}

function prefixed(prefix: string, set: LabelSet): [string, string][] {
  return Object.entries(set).map(([name, value]) => [`${prefix}${name}`, value]);
}

/** "firing instance=db-2:9100 since 2026-…" for each alert, without the labels all share. */
function alertLines({ alerts, commonLabels }: AlertmanagerNotification): string {
  return alerts
    .map((alert) => {
      const own = Object.entries(alert.labels)
        .filter(([name]) => commonLabels[name] === undefined)
        .map(([name, value]) => `${name}=${value}`);
      return [alert.status, ...own, alert.startsAt === "" ? "" : `since ${alert.startsAt}`]
        .filter((part) => part !== "")
        .join(" ");
    })
    .join("\n");
}
