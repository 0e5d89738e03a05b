import { create } from "@bufbuild/protobuf";
import {
  MonitoredServiceHealth,
  type MonitoredService as MonitoredServicePb,
  MonitoredServiceSchema,
} from "../../../../gen/pager/v1/monitored_service_pb.js";
import { toTimestamp } from "../../../platform/proto/proto-time.js";
import type { MonitoredService } from "../../domain/monitored-service.js";

/** The wire form of a service; `active_alert_id` is empty while healthy. */
export function toMonitoredServicePb(service: MonitoredService): MonitoredServicePb {
  return create(MonitoredServiceSchema, {
    id: service.id,
    name: service.name,
    escalationPolicyId: service.escalationPolicyId,
    health:
      service.health === "healthy"
        ? MonitoredServiceHealth.HEALTHY
        : MonitoredServiceHealth.UNHEALTHY,
    activeAlertId: service.activeAlertId ?? "",
    createTime: toTimestamp(service.createTime),
    updateTime: toTimestamp(service.updateTime),
  });
}
