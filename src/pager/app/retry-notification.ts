import { notFound } from "../../platform/errors/domain-error.js";
import type { Actor } from "../domain/actor.js";
import { type Notification, retryFailedNotification } from "../domain/notification.js";
import { requireId } from "../domain/resource-id.js";
import type { AppDeps } from "./ports.js";

/**
 * An operator fixed a channel (a setting, a recipient's mailbox) and wants a
 * failed page delivered after all. The row goes back to the outbox with a
 * fresh budget of attempts; its attempt count keeps growing so the history
 * of what was tried stays visible, and the timeline records who retried
 * (`actor`).
 * The notification is locked first: this transaction then orders after the
 * delivery attempt that failed it, and its timeline entry after that one's.
 */
export async function retryNotification(
  deps: AppDeps,
  id: string,
  actor: Actor,
): Promise<Notification> {
  const notificationId = requireId(id, "notification_id");
  const retried = await deps.tx.run(async (uow) => {
    const notification = await uow.notifications.lock(notificationId);
    if (notification === null) throw notFound("notification", notificationId, "notification_id");
    const alert = await uow.alerts.get(notification.alertId);
    if (alert === null) throw new Error(`notification ${notificationId} has no alert`);
    const now = deps.clock.now();
    const event = retryFailedNotification(notification, alert, { actor, now });
    await uow.notifications.requeue(notificationId, now);
    await uow.alertEvents.append([event]);
    return (await uow.notifications.get(notificationId)) ?? notification;
  });
  deps.signals.notificationsQueued();
  deps.signals.eventsRecorded();
  return retried;
}
