import { notFound } from "../../platform/errors/domain-error.js";
import { type Notification, requireFailed } from "../domain/notification.js";
import { requireId } from "../domain/resource-id.js";
import type { AppDeps } from "./ports.js";

/**
 * An operator fixed a channel (a setting, a recipient's mailbox) and wants a
 * failed page delivered after all. The row goes back to the outbox with a
 * fresh budget of attempts; its attempt count keeps growing so the history
 * of what was tried stays visible.
 */
export async function retryNotification(deps: AppDeps, id: string): Promise<Notification> {
  const notificationId = requireId(id, "notification_id");
  const retried = await deps.tx.run(async (uow) => {
    const notification = await uow.notifications.lock(notificationId);
    if (notification === null) throw notFound("notification", notificationId, "notification_id");
    requireFailed(notification);
    await uow.notifications.requeue(notificationId, deps.clock.now());
    return (await uow.notifications.get(notificationId)) ?? notification;
  });
  deps.signals.notificationsQueued();
  return retried;
}
