import type { Actor } from "../domain/actor.js";
import type { Alert } from "../domain/alert.js";
import { resolveAlert as decideResolve } from "../domain/escalation.js";
import type { MonitoredService } from "../domain/monitored-service.js";
import { requireId } from "../domain/resource-id.js";
import { applyDecision, signalAfterCommit } from "./apply-decision.js";
import { activeAlertOf, lockAlertAndService } from "./locked-alert.js";
import { requireService } from "./manage-monitored-services.js";
import type { AppDeps, UnitOfWork } from "./ports.js";

/**
 * Exactly one subject, as the request's oneof guarantees. A service's
 * `dedupKey`, when given, limits the healthy event to the active alert with
 * that deduplication key (a monitoring system resolving what it triggered).
 */
export type ResolveAlertInput =
  | { readonly alertId: string }
  | { readonly monitoredServiceId: string; readonly dedupKey?: string };

/** The resolved alert (null when there was nothing to resolve) and the healthy service. */
export interface ResolveAlertResult {
  readonly alert: Alert | null;
  readonly service: MonitoredService;
}

/**
 * The healthy event. Naming the service resolves whatever is active (and is a
 * no-op on a healthy service, as monitoring repeats itself; with a dedup key
 * that is not the active alert's, too); naming the alert resolves that one.
 * `actor` is who made the call.
 */
export async function resolveAlert(
  deps: AppDeps,
  input: ResolveAlertInput,
  actor: Actor,
): Promise<ResolveAlertResult> {
  const lockSubject = subjectLocker(input);
  const result = await deps.tx.run(async (uow) => {
    const locked = await lockSubject(uow);
    if (locked.alert === null) return { alert: null, service: locked.service, decided: null };
    const now = deps.clock.now();
    const decided = decideResolve(locked.alert, locked.service, {
      now,
      actor,
      healthyEvent: !("alertId" in input),
    });
    await applyDecision(uow, decided, { service: locked.service, alertIsNew: false, now });
    return { alert: decided.alert, service: decided.service, decided };
  });
  if (result.decided !== null) signalAfterCommit(deps.signals, result.decided);
  return { alert: result.alert, service: result.service };
}

/** Checks the subject's id before any I/O; the returned function locks it inside the transaction. */
function subjectLocker(
  input: ResolveAlertInput,
): (uow: UnitOfWork) => Promise<{ service: MonitoredService; alert: Alert | null }> {
  if ("alertId" in input) {
    const alertId = requireId(input.alertId, "alert_id");
    return (uow) => lockAlertAndService(uow, alertId);
  }
  const serviceId = requireId(input.monitoredServiceId, "monitored_service_id");
  return async (uow) => {
    const service = await requireService(uow, serviceId, "monitored_service_id");
    return { service, alert: await activeAlertOf(uow, service, input.dedupKey) };
  };
}
