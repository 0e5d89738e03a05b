import type { Actor } from "../domain/actor.js";
import type { Alert } from "../domain/alert.js";
import {
  handleAcknowledgementTimeout as decideTimeout,
  type TimeoutOutcome,
  validateLevelIndex,
} from "../domain/escalation.js";
import { requireId } from "../domain/resource-id.js";
import { decisionWrite, signalAfterCommit } from "./apply-decision.js";
import { lockedAlert } from "./locked-alert.js";
import type { AppDeps } from "./ports.js";

/** The timer callback's input as the transport hands it over. */
export interface AcknowledgementTimeoutInput {
  readonly alertId: string;
  readonly level: number;
}

/**
 * Who delivers the callback: a timer service (through the RPC), or the
 * in-process timer worker, which fires the rows itself.
 */
export type TimeoutCaller = "timer-service" | "in-process-worker";

/**
 * The one path by which an acknowledgement delay escalates, whether the
 * callback comes from the in-process timer worker or an external timer
 * service. The answered timer is consumed in the same transaction, and
 * duplicates find the alert already moved on (IGNORED_STALE); an early one
 * (IGNORED_NOT_DUE) leaves it be, and so does a timer service's callback
 * while the pager's own timer there still awaits its cancellation. `actor` is the
 * caller: the timer service's key, or the in-process timer worker.
 */
export async function handleAcknowledgementTimeout(
  deps: AppDeps,
  input: AcknowledgementTimeoutInput,
  actor: Actor,
  caller: TimeoutCaller,
): Promise<{ alert: Alert; outcome: TimeoutOutcome }> {
  const alertId = requireId(input.alertId, "alert_id");
  const level = validateLevelIndex(input.level);
  const decision = await deps.alertTx.run({ alertId }, (locked) => {
    const { alert, service } = lockedAlert(locked, alertId);
    const now = deps.clock.now();
    const decided = decideTimeout(alert, service, {
      level,
      now,
      actor,
      toleranceMs: deps.timerToleranceMs,
      newId: () => deps.ids.next(),
    });
    // An early callback leaves the timer armed: it still fires when the delay runs out.
    const consumed =
      decided.outcome === "ignored-not-due"
        ? null
        : { alertId, level, keepCancelled: caller === "timer-service" };
    const write = decisionWrite(decided, { service, alertIsNew: false, now }, consumed);
    return { write, result: decided };
  });
  signalAfterCommit(deps.signals, decision);
  deps.metrics.timeoutHandled(decision.outcome);
  return { alert: decision.alert, outcome: decision.outcome };
}
