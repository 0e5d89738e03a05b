import { invalidArgument, notFound } from "../../platform/errors/domain-error.js";
import {
  fetchSlice,
  type ListRequest,
  type ListSlice,
  parseListRequest,
} from "../../platform/listing/list-cursor.js";
import type { Alert, AlertState } from "../domain/alert.js";
import type { Notification } from "../domain/notification.js";
import { requireId } from "../domain/resource-id.js";
import type { AppDeps } from "./ports.js";

/** Reads one alert. */
export async function getAlert(deps: AppDeps, id: string): Promise<Alert> {
  const alertId = requireId(id, "alert_id");
  return deps.tx.run(async (uow) => {
    const alert = await uow.alerts.get(alertId);
    if (alert === null) throw notFound("alert", alertId, "alert_id");
    return alert;
  });
}

/** Filters of ListAlerts as the client sent them; empty means any. */
export interface ListAlertsInput extends ListRequest {
  readonly monitoredServiceId: string;
  readonly state: AlertState | null;
  /** "" or "create_time": oldest first; "create_time desc": newest first. */
  readonly orderBy: string;
}

/** Pages through alerts, oldest or newest first, optionally of one service or state. */
export function listAlerts(deps: AppDeps, input: ListAlertsInput): Promise<ListSlice<Alert>> {
  const cursor = { ...parseListRequest(input, requireId), descending: newestFirst(input.orderBy) };
  const monitoredServiceId =
    input.monitoredServiceId === ""
      ? null
      : requireId(input.monitoredServiceId, "monitored_service_id");
  const filter = { monitoredServiceId, state: input.state };
  return fetchSlice(cursor, (c) => deps.alertPages.list(filter, c));
}

/** Whether `order_by` asks for the newest alerts first (AIP-132 syntax, one field). */
function newestFirst(orderBy: string): boolean {
  const words = orderBy.trim().toLowerCase().split(/\s+/);
  if (words[0] === "" || (words[0] === "create_time" && words.length === 1)) return false;
  if (
    words[0] === "create_time" &&
    words.length === 2 &&
    (words[1] === "asc" || words[1] === "desc")
  ) {
    return words[1] === "desc";
  }
  throw invalidArgument(
    "order_by",
    `"${orderBy}" is not an order of this list; use "create_time" (oldest first) or "create_time desc" (newest first)`,
  );
}

/** Reads one page's delivery record. */
export async function getNotification(deps: AppDeps, id: string): Promise<Notification> {
  const notificationId = requireId(id, "notification_id");
  return deps.tx.run(async (uow) => {
    const notification = await uow.notifications.get(notificationId);
    if (notification === null) throw notFound("notification", notificationId, "notification_id");
    return notification;
  });
}

/**
 * Pages through notifications, of one alert or of all; a named alert that
 * does not exist is NOT_FOUND rather than a misleading empty list.
 */
export function listNotifications(
  deps: AppDeps,
  input: ListRequest & { readonly alertId: string },
): Promise<ListSlice<Notification>> {
  const cursor = parseListRequest(input, requireId);
  const alertId = input.alertId === "" ? null : requireId(input.alertId, "alert_id");
  return deps.tx.run(async (uow) => {
    if (alertId !== null && (await uow.alerts.get(alertId)) === null) {
      throw notFound("alert", alertId, "alert_id");
    }
    return fetchSlice(cursor, (c) => uow.notifications.list(alertId, c));
  });
}
