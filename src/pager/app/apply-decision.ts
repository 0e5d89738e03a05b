import type { Decision } from "../domain/escalation.js";
import type { MonitoredService } from "../domain/monitored-service.js";
import type { UnitOfWork, WorkSignals } from "./ports.js";

/** What a decision is applied against: the state it was decided on. */
export interface ApplyContext {
  readonly service: MonitoredService;
  readonly alertIsNew: boolean;
  readonly now: Date;
}

/**
 * Writes a decision inside the caller's transaction: new state, outbox rows,
 * timer and timeline entries together, so a crash can never leave a page
 * without its escalation, an escalation without its timer, or a change
 * without its entry in the timeline (nor an entry without its change).
 */
export async function applyDecision(
  uow: UnitOfWork,
  decision: Decision<string>,
  before: ApplyContext,
): Promise<void> {
  if (decision.changed) {
    if (before.alertIsNew) await uow.alerts.insert(decision.alert);
    else await uow.alerts.update(decision.alert);
    if (decision.service !== before.service) await uow.services.update(decision.service);
    if (decision.cancelTimers) await uow.ackTimers.cancelForAlert(decision.alert.id, before.now);
    if (decision.pages.length > 0) {
      await uow.notifications.enqueue(
        decision.pages.map((page) => ({
          ...page,
          alertId: decision.alert.id,
          createTime: before.now,
        })),
      );
    }
    if (decision.timer !== null) await uow.ackTimers.set(decision.timer);
  }
  if (decision.events.length > 0) await uow.alertEvents.append(decision.events);
}

/** Wakes the workers after commit, only for the kind of work a decision created. */
export function signalAfterCommit(signals: WorkSignals, decision: Decision<string>): void {
  if (decision.pages.length > 0) signals.notificationsQueued();
  if (decision.timer !== null) signals.timersChanged("armed");
  else if (decision.cancelTimers) signals.timersChanged("cancelled");
  if (decision.events.length > 0) signals.eventsRecorded();
}
