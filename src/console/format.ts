import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import { AlertState } from "../../gen/pager/v1/alert_pb.js";
import { MonitoredServiceHealth } from "../../gen/pager/v1/monitored_service_pb.js";
import { NotificationState } from "../../gen/pager/v1/notification_pb.js";
import type { Target } from "../../gen/pager/v1/target_pb.js";

/** States in words: colour only repeats what the word says. */
export function alertStateName(state: AlertState): string {
  switch (state) {
    case AlertState.TRIGGERED:
      return "Triggered";
    case AlertState.ACKNOWLEDGED:
      return "Acknowledged";
    case AlertState.RESOLVED:
      return "Resolved";
    default:
      return "Unknown";
  }
}

export function notificationStateName(state: NotificationState): string {
  switch (state) {
    case NotificationState.PENDING:
      return "Pending";
    case NotificationState.SENT:
      return "Sent";
    case NotificationState.FAILED:
      return "Failed";
    default:
      return "Unknown";
  }
}

export function healthName(health: MonitoredServiceHealth): string {
  switch (health) {
    case MonitoredServiceHealth.HEALTHY:
      return "Healthy";
    case MonitoredServiceHealth.UNHEALTHY:
      return "Unhealthy";
    default:
      return "Unknown";
  }
}

/** Whether an alert still asks for attention. */
export function isActive(state: AlertState): boolean {
  return state === AlertState.TRIGGERED || state === AlertState.ACKNOWLEDGED;
}

/** A target as one line: `email a@b.c`, `sms +1…`, `webhook https://…`. */
export function targetText(target: Target | undefined): string {
  const kind = target?.kind;
  switch (kind?.case) {
    case "email":
      return `email ${kind.value.address}`;
    case "sms":
      return `SMS ${kind.value.phoneNumber}`;
    case "webhook":
      return `webhook ${kind.value.url}`;
    default:
      return "unknown target";
  }
}

export function dateOf(timestamp: Timestamp | undefined): Date | null {
  return timestamp === undefined ? null : timestampDate(timestamp);
}

/** "12 s", "5 min", "3 h", "2 d": how long ago, short enough for a phone's column. */
export function age(timestamp: Timestamp | undefined, now: Date): string {
  const date = dateOf(timestamp);
  if (date === null) return "";
  const seconds = Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}

/** A date and time in the reader's locale and zone. */
export function when(timestamp: Timestamp | undefined): string {
  return dateOf(timestamp)?.toLocaleString() ?? "";
}

/** For `<time dateTime>`. */
export function isoTime(timestamp: Timestamp | undefined): string {
  return dateOf(timestamp)?.toISOString() ?? "";
}
