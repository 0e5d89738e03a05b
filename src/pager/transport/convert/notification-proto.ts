import { create } from "@bufbuild/protobuf";
import {
  type Notification as NotificationPb,
  NotificationSchema,
  NotificationState as NotificationStatePb,
} from "../../../../gen/pager/v1/notification_pb.js";
import { toTimestamp } from "../../../platform/proto/proto-time.js";
import type { ApiKeyRole } from "../../domain/api-key.js";
import type { Notification, NotificationState } from "../../domain/notification.js";
import { toTargetPb } from "./target-proto.js";

const TO_PB: Record<NotificationState, NotificationStatePb> = {
  pending: NotificationStatePb.PENDING,
  sent: NotificationStatePb.SENT,
  failed: NotificationStatePb.FAILED,
};

/** The wire form of a notification as `reader` may see it (see toTargetPb). */
export function toNotificationPb(
  notification: Notification,
  reader: ApiKeyRole | null,
): NotificationPb {
  return create(NotificationSchema, {
    id: notification.id,
    alertId: notification.alertId,
    level: notification.level,
    target: toTargetPb(notification.target, reader),
    state: TO_PB[notification.state],
    attempts: notification.attempts,
    lastError: notification.lastError,
    createTime: toTimestamp(notification.createTime),
    sendTime: toTimestamp(notification.sendTime),
    providerMessageId: notification.providerMessageId,
  });
}
