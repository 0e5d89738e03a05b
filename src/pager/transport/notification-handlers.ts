import type { ConnectRouter } from "@connectrpc/connect";
import { NotificationService } from "../../../gen/pager/v1/notification_pb.js";
import type { AppDeps } from "../app/ports.js";
import { getNotification, listNotifications } from "../app/query-alerts.js";
import { retryNotification } from "../app/retry-notification.js";
import { actorOf, roleOf } from "./caller.js";
import { toNotificationPb } from "./convert/notification-proto.js";

/** pager.v1.NotificationService: where each page stands, and a second chance for failed ones. */
export function registerNotificationService(router: ConnectRouter, deps: AppDeps): void {
  router.service(NotificationService, {
    async getNotification(request, context) {
      const notification = await getNotification(deps, request.notificationId);
      return { notification: toNotificationPb(notification, roleOf(context)) };
    },
    async listNotifications(request, context) {
      const page = await listNotifications(deps, request);
      const reader = roleOf(context);
      return {
        notifications: page.items.map((notification) => toNotificationPb(notification, reader)),
        nextPageToken: page.nextPageToken,
      };
    },
    async retryNotification(request, context) {
      const retried = await retryNotification(deps, request.notificationId, actorOf(context));
      return { notification: toNotificationPb(retried, roleOf(context)) };
    },
  });
}
