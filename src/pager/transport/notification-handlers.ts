import type { ConnectRouter } from "@connectrpc/connect";
import { NotificationService } from "../../../gen/pager/v1/notification_pb.js";
import type { AppDeps } from "../app/ports.js";
import { getNotification, listNotifications } from "../app/query-alerts.js";
import { retryNotification } from "../app/retry-notification.js";
import { actorOf } from "./caller.js";
import { toNotificationPb } from "./convert/notification-proto.js";

/** pager.v1.NotificationService: where each page stands, and a second chance for failed ones. */
export function registerNotificationService(router: ConnectRouter, deps: AppDeps): void {
  router.service(NotificationService, {
    async getNotification(request) {
      return {
        notification: toNotificationPb(await getNotification(deps, request.notificationId)),
      };
    },
    async listNotifications(request) {
      const page = await listNotifications(deps, request);
      return {
        notifications: page.items.map(toNotificationPb),
        nextPageToken: page.nextPageToken,
      };
    },
    async retryNotification(request, context) {
      const retried = await retryNotification(deps, {
        notificationId: request.notificationId,
        actor: actorOf(context),
      });
      return { notification: toNotificationPb(retried) };
    },
  });
}
