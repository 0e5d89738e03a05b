import { notFound } from "../../platform/errors/domain-error.js";
import type { Alert } from "../domain/alert.js";
import type { MonitoredService } from "../domain/monitored-service.js";
import type { UnitOfWork } from "./ports.js";

/**
 * Locks an alert's service, then the alert. Every writer takes the service
 * lock first, in that order, so events about one service serialise and never
 * deadlock, whichever id the caller names.
 */
export async function lockAlertAndService(
  uow: UnitOfWork,
  alertId: string,
  field = "alert_id",
): Promise<{ alert: Alert; service: MonitoredService }> {
  const service = await uow.services.lockByAlert(alertId);
  const alert = service === null ? null : await uow.alerts.lock(alertId);
  if (service === null || alert === null) throw notFound("alert", alertId, field);
  return { alert, service };
}

/**
 * Reads a service's active alert, which exists exactly while it is unhealthy.
 * With `dedupKey`, only an active alert with that deduplication key counts:
 * a monitoring system's acknowledge or resolve names the alert it is about,
 * and must not touch another incident of the same service.
 */
export async function activeAlertOf(
  uow: UnitOfWork,
  service: MonitoredService,
  dedupKey?: string,
): Promise<Alert | null> {
  if (service.activeAlertId === null) return null;
  const alert = await uow.alerts.lock(service.activeAlertId);
  if (alert === null || dedupKey === undefined) return alert;
  return alert.dedupKey === dedupKey ? alert : null;
}
