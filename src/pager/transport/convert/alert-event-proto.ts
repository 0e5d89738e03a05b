import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  ActorKind,
  type Actor as ActorPb,
  ActorSchema,
  type AlertEvent as AlertEventPb,
  AlertEventSchema,
  IgnoredTimeoutReason,
} from "../../../../gen/pager/v1/alert_event_pb.js";
import { toTimestamp } from "../../../platform/proto/proto-time.js";
import type { Actor } from "../../domain/actor.js";
import type { AlertEvent, AlertEventDetail, PageRef } from "../../domain/alert-event.js";
import type { ApiKeyRole } from "../../domain/api-key.js";
import type { IgnoredTimeoutOutcome } from "../../domain/escalation.js";
import { toTargetPb } from "./target-proto.js";

const ACTOR_KINDS: Record<Actor["kind"], ActorKind> = {
  "api-key": ActorKind.API_KEY,
  "acknowledgement-link": ActorKind.ACKNOWLEDGEMENT_LINK,
  system: ActorKind.SYSTEM,
};

const IGNORED_REASONS: Record<IgnoredTimeoutOutcome, IgnoredTimeoutReason> = {
  "ignored-acknowledged": IgnoredTimeoutReason.ACKNOWLEDGED,
  "ignored-resolved": IgnoredTimeoutReason.RESOLVED,
  "ignored-stale": IgnoredTimeoutReason.STALE,
  "ignored-last-level": IgnoredTimeoutReason.LAST_LEVEL,
  "ignored-not-due": IgnoredTimeoutReason.NOT_DUE,
};

/**
 * The wire form of a timeline entry, as much of it as `reader` (the caller's
 * role) may see: the targets of pages follow the same disclosure as the
 * notifications themselves.
 */
export function toAlertEventPb(event: AlertEvent, reader: ApiKeyRole | null): AlertEventPb {
  return create(AlertEventSchema, {
    id: event.id,
    alertId: event.alertId,
    monitoredServiceId: event.monitoredServiceId,
    createTime: toTimestamp(event.createTime),
    actor: toActorPb(event.actor),
    kind: toKind(event.detail, reader),
  });
}

/** The wire form of who made a change. */
export function toActorPb(actor: Actor): ActorPb {
  return create(ActorSchema, {
    kind: ACTOR_KINDS[actor.kind],
    apiKeyId: actor.kind === "api-key" ? actor.apiKeyId : "",
    name: actor.name,
  });
}

type KindInit = MessageInitShape<typeof AlertEventSchema>["kind"];

function toKind(detail: AlertEventDetail, reader: ApiKeyRole | null): KindInit {
  switch (detail.kind) {
    case "triggered":
      return { case: "triggered", value: { message: detail.message } };
    case "signal-suppressed":
      return {
        case: "signalSuppressed",
        value: { signalCount: detail.signalCount, message: detail.message },
      };
    case "page-queued":
      return { case: "pageQueued", value: page(detail, reader) };
    case "page-sent":
      return {
        case: "pageSent",
        value: {
          ...page(detail, reader),
          attempt: detail.attempt,
          providerMessageId: detail.providerMessageId,
        },
      };
    case "page-failed":
      return {
        case: "pageFailed",
        value: {
          ...page(detail, reader),
          attempt: detail.attempt,
          error: detail.error,
          final: detail.final,
        },
      };
    case "escalated":
      return {
        case: "escalated",
        value: { fromLevel: detail.fromLevel, toLevel: detail.toLevel },
      };
    case "timeout-ignored":
      return {
        case: "timeoutIgnored",
        value: { level: detail.level, reason: IGNORED_REASONS[detail.outcome] },
      };
    case "acknowledged":
      return { case: "acknowledged", value: { acknowledgedBy: detail.acknowledgedBy } };
    case "resolved":
      return { case: "resolved", value: { healthyEvent: detail.healthyEvent } };
    case "notification-retried":
      return { case: "notificationRetried", value: page(detail, reader) };
  }
}

function page(ref: PageRef, reader: ApiKeyRole | null) {
  return {
    notificationId: ref.notificationId,
    level: ref.level,
    target: toTargetPb(ref.target, reader),
  };
}
