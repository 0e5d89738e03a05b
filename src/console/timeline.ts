import { type AlertEvent, IgnoredTimeoutReason } from "../../gen/pager/v1/alert_event_pb.js";
import { targetText } from "./format.js";

/** One timeline entry as the page shows it: a short title and the detail. */
export interface TimelineLine {
  /** The entry's kind as the API names it (`triggered`, `pageSent`, …). */
  readonly kind: string;
  readonly title: string;
  readonly detail: string;
}

const IGNORED: Record<IgnoredTimeoutReason, string> = {
  [IgnoredTimeoutReason.UNSPECIFIED]: "for a reason this console does not know",
  [IgnoredTimeoutReason.ACKNOWLEDGED]: "the alert was already acknowledged",
  [IgnoredTimeoutReason.RESOLVED]: "the alert was already resolved",
  [IgnoredTimeoutReason.STALE]: "it was for a level already passed",
  [IgnoredTimeoutReason.LAST_LEVEL]: "the last level was already paged",
  [IgnoredTimeoutReason.NOT_DUE]: "it came before its time",
};

/** Describes an entry; an entry of a kind newer than this page keeps its time and actor. */
export function describeEvent(event: AlertEvent): TimelineLine {
  const kind = event.kind;
  switch (kind.case) {
    case "triggered":
      return { kind: kind.case, title: "Triggered", detail: kind.value.message };
    case "signalSuppressed":
      return {
        kind: kind.case,
        title: "Repeated signal",
        detail: `signal ${kind.value.signalCount}, nobody paged: ${kind.value.message}`,
      };
    case "pageQueued":
      return {
        kind: kind.case,
        title: "Page queued",
        detail: `level ${kind.value.level}, ${targetText(kind.value.target)}`,
      };
    case "pageSent":
      return {
        kind: kind.case,
        title: "Paged",
        detail: `level ${kind.value.level}, ${targetText(kind.value.target)}, attempt ${kind.value.attempt}${kind.value.providerMessageId ? `, provider id ${kind.value.providerMessageId}` : ""}`,
      };
    case "pageFailed":
      return {
        kind: kind.case,
        title: kind.value.final ? "Page failed for good" : "Page attempt failed",
        detail: `level ${kind.value.level}, ${targetText(kind.value.target)}, attempt ${kind.value.attempt}: ${kind.value.error}`,
      };
    case "escalated":
      return {
        kind: kind.case,
        title: "Escalated",
        detail: `from level ${kind.value.fromLevel} to level ${kind.value.toLevel}`,
      };
    case "timeoutIgnored":
      return {
        kind: kind.case,
        title: "Timer ignored",
        detail: `level ${kind.value.level}: ${IGNORED[kind.value.reason]}`,
      };
    case "acknowledged":
      return {
        kind: kind.case,
        title: "Acknowledged",
        detail: `by ${kind.value.acknowledgedBy}`,
      };
    case "resolved":
      return {
        kind: kind.case,
        title: "Resolved",
        detail: kind.value.healthyEvent ? "by the healthy event" : "by hand",
      };
    case "notificationRetried":
      return {
        kind: kind.case,
        title: "Page retried",
        detail: `level ${kind.value.level}, ${targetText(kind.value.target)}`,
      };
    default:
      return { kind: "unknown", title: "Change", detail: "" };
  }
}
