import type { Actor } from "../domain/actor.js";
import type { Alert } from "../domain/alert.js";
import { validateDedupKey, validateDetails } from "../domain/alert-details.js";
import { type TriggerOutcome, triggerAlert, validateMessage } from "../domain/escalation.js";
import { requireId } from "../domain/resource-id.js";
import { decisionWrite, signalAfterCommit } from "./apply-decision.js";
import { activeAlertOf, lockedService } from "./locked-alert.js";
import type { AppDeps } from "./ports.js";

/** SendAlert's input as the transport hands it over. */
export interface SendAlertInput {
  readonly monitoredServiceId: string;
  readonly message: string;
  /** What else monitoring said; none when absent. */
  readonly details?: Readonly<Record<string, string>>;
  /** The monitoring system's deduplication key; none when absent or empty. */
  readonly dedupKey?: string;
}

/**
 * The alert from monitoring. Runs under the service's row lock, so of any
 * number of simultaneous alerts exactly one creates the incident and pages.
 * `actor` is who sent it: the monitoring system's key.
 */
export async function sendAlert(
  deps: AppDeps,
  input: SendAlertInput,
  actor: Actor,
): Promise<{ alert: Alert; outcome: TriggerOutcome }> {
  const serviceId = requireId(input.monitoredServiceId, "monitored_service_id");
  const message = validateMessage(input.message);
  const details = validateDetails(input.details ?? {});
  const dedupKey = validateDedupKey(input.dedupKey ?? "");
  const decision = await deps.alertTx.run({ serviceId }, (locked) => {
    const service = lockedService(locked, serviceId, "monitored_service_id");
    const activeAlert = activeAlertOf(locked);
    const { policy } = locked;
    if (policy === null) {
      throw new Error(
        `service ${service.id} points at missing policy ${service.escalationPolicyId}`,
      );
    }
    const now = deps.clock.now();
    const decided = triggerAlert({ service, activeAlert }, policy, {
      alertId: deps.ids.next(),
      message,
      details,
      dedupKey,
      now,
      actor,
      newId: () => deps.ids.next(),
    });
    const write = decisionWrite(decided, {
      service,
      alertIsNew: decided.outcome === "created",
      now,
    });
    return { write, result: decided };
  });
  signalAfterCommit(deps.signals, decision);
  return { alert: decision.alert, outcome: decision.outcome };
}
