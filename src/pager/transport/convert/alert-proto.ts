import { create } from "@bufbuild/protobuf";
import {
  type Alert as AlertPb,
  AlertSchema,
  AlertState as AlertStatePb,
} from "../../../../gen/pager/v1/alert_pb.js";
import { fromEnumFilter } from "../../../platform/proto/enum-filter.js";
import { toTimestamp } from "../../../platform/proto/proto-time.js";
import type { Alert, AlertState } from "../../domain/alert.js";

const TO_PB: Record<AlertState, AlertStatePb> = {
  triggered: AlertStatePb.TRIGGERED,
  acknowledged: AlertStatePb.ACKNOWLEDGED,
  resolved: AlertStatePb.RESOLVED,
};

/** The wire form of an alert. */
export function toAlertPb(alert: Alert): AlertPb {
  return create(AlertSchema, {
    id: alert.id,
    monitoredServiceId: alert.monitoredServiceId,
    escalationPolicyId: alert.escalationPolicyId,
    message: alert.message,
    details: { ...alert.details },
    dedupKey: alert.dedupKey,
    state: TO_PB[alert.state],
    currentLevel: alert.currentLevel,
    acknowledgedBy: alert.acknowledgedBy,
    createTime: toTimestamp(alert.createTime),
    acknowledgeTime: toTimestamp(alert.acknowledgeTime),
    resolveTime: toTimestamp(alert.resolveTime),
  });
}

/** A state filter: UNSPECIFIED means any; an unknown number is the client's mistake. */
export function fromAlertStateFilter(state: AlertStatePb, field: string): AlertState | null {
  return fromEnumFilter(TO_PB, "AlertState", state, field);
}
