import type { Decision } from "../domain/escalation.js";
import type { MonitoredService } from "../domain/monitored-service.js";
import type { DecisionWrite, WorkSignals } from "./ports.js";

/** What a decision is applied against: the state it was decided on. */
export interface ApplyContext {
  readonly service: MonitoredService;
  readonly alertIsNew: boolean;
  readonly now: Date;
}

/**
 * What a decision writes inside its transaction: new state, outbox rows,
 * timer and timeline entries together, so a crash can never leave a page
 * without its escalation, an escalation without its timer, or a change
 * without its entry in the timeline (nor an entry without its change).
 * `consumedTimer` is the timer a timeout callback answers.
 */
export function decisionWrite(
  decision: Decision<string>,
  before: ApplyContext,
  consumedTimer: DecisionWrite["consumedTimer"] = null,
): DecisionWrite {
  return {
    decision,
    before: before.service,
    alertIsNew: before.alertIsNew,
    now: before.now,
    consumedTimer,
  };
}

/** Wakes the workers after commit, only for the kind of work a decision created. */
export function signalAfterCommit(signals: WorkSignals, decision: Decision<string>): void {
  if (decision.pages.length > 0) signals.notificationsQueued();
  if (decision.timer !== null) {
    signals.timersChanged({ kind: "armed", fireTime: decision.timer.fireTime });
  } else if (decision.cancelTimers) signals.timersChanged({ kind: "cancelled" });
  if (decision.events.length > 0) signals.eventsRecorded();
}
