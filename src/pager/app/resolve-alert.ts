import type { Actor } from "../domain/actor.js";
import type { Alert } from "../domain/alert.js";
import { type Decision, resolveAlert as decideResolve } from "../domain/escalation.js";
import type { MonitoredService } from "../domain/monitored-service.js";
import { requireId } from "../domain/resource-id.js";
import { decisionWrite, signalAfterCommit } from "./apply-decision.js";
import { activeAlertOf, lockedAlert, lockedService } from "./locked-alert.js";
import type { AlertSubject, AppDeps, LockedAlertState } from "./ports.js";

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
  const { subject, pick } = subjectOf(input);
  const result = await deps.alertTx.run<Resolved>(subject, (state) => {
    const locked = pick(state);
    if (locked.alert === null) {
      return { write: null, result: { alert: null, service: locked.service, decided: null } };
    }
    const now = deps.clock.now();
    const decided = decideResolve(locked.alert, locked.service, {
      now,
      actor,
      healthyEvent: !("alertId" in input),
    });
    return {
      write: decisionWrite(decided, { service: locked.service, alertIsNew: false, now }),
      result: { alert: decided.alert, service: decided.service, decided },
    };
  });
  if (result.decided !== null) signalAfterCommit(deps.signals, result.decided);
  return { alert: result.alert, service: result.service };
}

/** What the transaction returns: the result, and the decision to signal after commit. */
interface Resolved extends ResolveAlertResult {
  readonly decided: Decision<string> | null;
}

/**
 * Checks the subject's id before any I/O; `pick` takes the service and the
 * alert to resolve from what the transaction locked.
 */
function subjectOf(input: ResolveAlertInput): {
  subject: AlertSubject;
  pick: (locked: LockedAlertState) => { service: MonitoredService; alert: Alert | null };
} {
  if ("alertId" in input) {
    const alertId = requireId(input.alertId, "alert_id");
    return { subject: { alertId }, pick: (locked) => lockedAlert(locked, alertId) };
  }
  const serviceId = requireId(input.monitoredServiceId, "monitored_service_id");
  return {
    subject: { serviceId },
    pick: (locked) => ({
      service: lockedService(locked, serviceId, "monitored_service_id"),
      alert: activeAlertOf(locked, input.dedupKey),
    }),
  };
}
