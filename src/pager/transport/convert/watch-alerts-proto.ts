import { create } from "@bufbuild/protobuf";
import {
  type WatchAlertsResponse,
  WatchAlertsResponseSchema,
} from "../../../../gen/pager/v1/pager_service_pb.js";
import { encodeResumeToken } from "../../app/feed-position.js";
import type { WatchUpdate } from "../../app/watch-alerts.js";
import type { ApiKeyRole } from "../../domain/api-key.js";
import { toAlertEventPb } from "./alert-event-proto.js";
import { toAlertPb } from "./alert-proto.js";

/** The wire form of one message of WatchAlerts, with its resume token; see toAlertEventPb for `reader`. */
export function toWatchAlertsResponsePb(
  update: WatchUpdate,
  reader: ApiKeyRole | null,
): WatchAlertsResponse {
  switch (update.kind) {
    case "active-alert":
      return create(WatchAlertsResponseSchema, {
        update: { case: "activeAlert", value: toAlertPb(update.alert) },
      });
    case "snapshot-complete":
      return create(WatchAlertsResponseSchema, {
        update: { case: "snapshotComplete", value: {} },
        resumeToken: encodeResumeToken(update.position),
      });
    case "progress":
      return create(WatchAlertsResponseSchema, {
        update: { case: "progress", value: {} },
        resumeToken: encodeResumeToken(update.position),
      });
    case "change": {
      const { event, alert, position } = update.change;
      return create(WatchAlertsResponseSchema, {
        update: {
          case: "change",
          value: {
            event: toAlertEventPb(event, reader),
            alert: alert === null ? undefined : toAlertPb(alert),
          },
        },
        resumeToken: encodeResumeToken(position),
      });
    }
  }
}
