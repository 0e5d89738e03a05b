import type { Actor } from "../domain/actor.js";
import type { Alert } from "../domain/alert.js";
import {
  acknowledgerOf,
  acknowledgeAlert as decideAcknowledge,
  validateAcknowledger,
} from "../domain/escalation.js";
import type { MonitoredService } from "../domain/monitored-service.js";
import { requireId } from "../domain/resource-id.js";
import { decisionWrite, signalAfterCommit } from "./apply-decision.js";
import { activeAlertOf, lockedAlert, lockedService } from "./locked-alert.js";
import type { AlertSubject, AppDeps, LockedAlertState } from "./ports.js";

/** AcknowledgeAlert's input as the transport hands it over. */
export interface AcknowledgeAlertInput {
  readonly alertId: string;
  /** Empty: the actor's name. */
  readonly acknowledgedBy: string;
}

/** An acknowledgement that names the service and the alert's deduplication key, not the alert. */
export interface AcknowledgeActiveAlertInput {
  readonly monitoredServiceId: string;
  readonly dedupKey: string;
  readonly acknowledgedBy: string;
}

/**
 * Someone takes the alert. Its timers are dropped in the same transaction,
 * and a timeout that raced it sees the acknowledgement under the same lock,
 * so no page is queued after this commits. `actor` is who made the call.
 */
export async function acknowledgeAlert(
  deps: AppDeps,
  input: AcknowledgeAlertInput,
  actor: Actor,
): Promise<Alert> {
  const alertId = requireId(input.alertId, "alert_id");
  const acknowledgedBy = acknowledgerOf(input.acknowledgedBy, actor);
  return acknowledgeLocked(deps, { acknowledgedBy, actor }, { alertId }, (locked) =>
    lockedAlert(locked, alertId),
  );
}

/**
 * A monitoring system acknowledges what it triggered: the service's active
 * alert, when its deduplication key is `dedupKey`. Anything else (a healthy
 * service, another incident) changes nothing and returns null, as PagerDuty
 * drops an acknowledge for an alert that is not open. `actor` is the
 * monitoring system's key.
 */
export async function acknowledgeActiveAlert(
  deps: AppDeps,
  input: AcknowledgeActiveAlertInput,
  actor: Actor,
): Promise<Alert | null> {
  const serviceId = requireId(input.monitoredServiceId, "monitored_service_id");
  const acknowledgedBy = validateAcknowledger(input.acknowledgedBy);
  return acknowledgeLocked(deps, { acknowledgedBy, actor }, { serviceId }, (locked) => ({
    service: lockedService(locked, serviceId, "monitored_service_id"),
    alert: activeAlertOf(locked, input.dedupKey),
  }));
}

/**
 * Decides and writes the acknowledgement of what `pick` takes from the
 * locked `subject`; null when it found no alert. `A` lets a pick that always
 * finds one (or throws) promise an alert to its caller.
 */
async function acknowledgeLocked<A extends Alert | null>(
  deps: AppDeps,
  by: { readonly acknowledgedBy: string; readonly actor: Actor },
  subject: AlertSubject,
  pick: (locked: LockedAlertState) => { service: MonitoredService; alert: A },
): Promise<A> {
  const decision = await deps.alertTx.run(subject, (locked) => {
    const { alert, service } = pick(locked);
    if (alert === null) return { write: null, result: null };
    const now = deps.clock.now();
    const decided = decideAcknowledge(alert, service, { ...by, now });
    return {
      write: decisionWrite(decided, { service, alertIsNew: false, now }),
      result: decided,
    };
  });
  if (decision === null) return null as A;
  signalAfterCommit(deps.signals, decision);
  return decision.alert as A;
}
