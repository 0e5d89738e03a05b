import { notFound } from "../../platform/errors/domain-error.js";
import type { Alert } from "../domain/alert.js";
import type { MonitoredService } from "../domain/monitored-service.js";
import type { LockedAlertState } from "./ports.js";

/**
 * The alert an alert-subject transaction locked, with its service (locked
 * first: every writer takes the service lock before the alert's, so events
 * about one service serialise and never deadlock, whichever id the caller
 * names). NOT_FOUND names `field` when there is no such alert.
 */
export function lockedAlert(
  locked: LockedAlertState,
  alertId: string,
  field = "alert_id",
): { alert: Alert; service: MonitoredService } {
  const { service, alert } = locked;
  if (service === null || alert === null) throw notFound("alert", alertId, field);
  return { alert, service };
}

/** The service a service-subject transaction locked; NOT_FOUND names `field` when there is none. */
export function lockedService(
  locked: LockedAlertState,
  serviceId: string,
  field: string,
): MonitoredService {
  if (locked.service === null) throw notFound("monitored service", serviceId, field);
  return locked.service;
}

/**
 * The service's active alert, which exists exactly while it is unhealthy.
 * With `dedupKey`, only an active alert with that deduplication key counts:
 * a monitoring system's acknowledge or resolve names the alert it is about,
 * and must not touch another incident of the same service.
 */
export function activeAlertOf(locked: LockedAlertState, dedupKey?: string): Alert | null {
  const { alert } = locked;
  if (alert === null || dedupKey === undefined) return alert;
  return alert.dedupKey === dedupKey ? alert : null;
}
