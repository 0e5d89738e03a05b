import type { Actor } from "../domain/actor.js";
import type { Alert } from "../domain/alert.js";
import { acknowledgerOf, acknowledgeAlert as decideAcknowledge } from "../domain/escalation.js";
import { requireId } from "../domain/resource-id.js";
import { applyDecision, signalAfterCommit } from "./apply-decision.js";
import { lockAlertAndService } from "./locked-alert.js";
import type { AppDeps } from "./ports.js";

/** AcknowledgeAlert's input as the transport hands it over. */
export interface AcknowledgeAlertInput {
  readonly alertId: string;
  /** Empty: the actor's name. */
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
  const decision = await deps.tx.run(async (uow) => {
    const { alert, service } = await lockAlertAndService(uow, alertId);
    const now = deps.clock.now();
    const decided = decideAcknowledge(alert, service, { acknowledgedBy, now });
    await applyDecision(uow, decided, { service, alertIsNew: false, now, ids: deps.ids });
    return decided;
  });
  signalAfterCommit(deps.signals, decision);
  return decision.alert;
}
