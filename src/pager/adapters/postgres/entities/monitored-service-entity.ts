import { EntitySchema } from "typeorm";
import type { MonitoredServiceHealth } from "../../../domain/monitored-service.js";

/** A row of monitored_services. */
export interface MonitoredServiceRow {
  id: string;
  name: string;
  escalationPolicyId: string;
  health: MonitoredServiceHealth;
  activeAlertId: string | null;
  createTime: Date;
  updateTime: Date;
}

/** Maps monitored_services; the row every alert event locks first. */
export const MonitoredServiceEntity = new EntitySchema<MonitoredServiceRow>({
  name: "MonitoredService",
  tableName: "monitored_services",
  columns: {
    id: { type: "uuid", primary: true },
    name: { type: "text" },
    escalationPolicyId: { type: "uuid", name: "escalation_policy_id" },
    health: { type: "text" },
    activeAlertId: { type: "uuid", name: "active_alert_id", nullable: true },
    createTime: { type: "timestamptz", name: "create_time" },
    updateTime: { type: "timestamptz", name: "update_time" },
  },
});
