import { EntitySchema } from "typeorm";
import type { ApiKeyRole } from "../../../domain/api-key.js";

/** A row of api_keys: the key, the hash of its secret, its rate limit as two columns. */
export interface ApiKeyRow {
  id: string;
  name: string;
  role: ApiKeyRole;
  monitoredServiceId: string | null;
  secretHash: string;
  secretSuffix: string;
  createTime: Date;
  expireTime: Date | null;
  revokeTime: Date | null;
  lastUseTime: Date | null;
  rateLimitPerSecond: number | null;
  rateLimitBurst: number | null;
}

/** Maps api_keys. */
export const ApiKeyEntity = new EntitySchema<ApiKeyRow>({
  name: "ApiKey",
  tableName: "api_keys",
  columns: {
    id: { type: "uuid", primary: true },
    name: { type: "text" },
    role: { type: "text" },
    monitoredServiceId: { type: "uuid", name: "monitored_service_id", nullable: true },
    secretHash: { type: "text", name: "secret_hash" },
    secretSuffix: { type: "text", name: "secret_suffix" },
    createTime: { type: "timestamptz", name: "create_time" },
    expireTime: { type: "timestamptz", name: "expire_time", nullable: true },
    revokeTime: { type: "timestamptz", name: "revoke_time", nullable: true },
    lastUseTime: { type: "timestamptz", name: "last_use_time", nullable: true },
    rateLimitPerSecond: { type: "integer", name: "rate_limit_per_second", nullable: true },
    rateLimitBurst: { type: "integer", name: "rate_limit_burst", nullable: true },
  },
});
