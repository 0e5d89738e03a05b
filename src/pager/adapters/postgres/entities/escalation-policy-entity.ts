import { EntitySchema } from "typeorm";
import type { EscalationLevel } from "../../../domain/escalation-policy.js";

/** A row of escalation_policies; levels are a JSON document read and written whole. */
export interface EscalationPolicyRow {
  id: string;
  name: string;
  levels: EscalationLevel[];
  createTime: Date;
  updateTime: Date;
}

/** Maps escalation_policies without decorators, keeping the domain free of TypeORM. */
export const EscalationPolicyEntity = new EntitySchema<EscalationPolicyRow>({
  name: "EscalationPolicy",
  tableName: "escalation_policies",
  columns: {
    id: { type: "uuid", primary: true },
    name: { type: "text" },
    levels: { type: "jsonb" },
    createTime: { type: "timestamptz", name: "create_time" },
    updateTime: { type: "timestamptz", name: "update_time" },
  },
});
