import { create } from "@bufbuild/protobuf";
import {
  type ApiKey as ApiKeyPb,
  ApiKeyRole as ApiKeyRolePb,
  ApiKeySchema,
  type CreateApiKeyRequest,
} from "../../../../gen/pager/v1/api_key_service_pb.js";
import { fromEnumFilter } from "../../../platform/proto/enum-filter.js";
import { fromTimestamp, toTimestamp } from "../../../platform/proto/proto-time.js";
import type { ApiKey, ApiKeyRole, NewApiKeyInput } from "../../domain/api-key.js";

const TO_PB: Record<ApiKeyRole, ApiKeyRolePb> = {
  admin: ApiKeyRolePb.ADMIN,
  responder: ApiKeyRolePb.RESPONDER,
  viewer: ApiKeyRolePb.VIEWER,
  integration: ApiKeyRolePb.INTEGRATION,
  timer: ApiKeyRolePb.TIMER,
};

/** The wire form of a key: everything but the secret, which the server does not have. */
export function toApiKeyPb(key: ApiKey): ApiKeyPb {
  return create(ApiKeySchema, {
    id: key.id,
    name: key.name,
    role: TO_PB[key.role],
    monitoredServiceId: key.monitoredServiceId ?? "",
    createTime: toTimestamp(key.createTime),
    expireTime: toTimestamp(key.expireTime),
    revokeTime: toTimestamp(key.revokeTime),
    lastUseTime: toTimestamp(key.lastUseTime),
    rateLimit: key.rateLimit ?? undefined,
    secretSuffix: key.secretSuffix,
  });
}

/** CreateApiKey as the domain reads it; an unknown role number is the client's mistake. */
export function fromCreateApiKeyRequest(request: CreateApiKeyRequest): NewApiKeyInput {
  return {
    name: request.name,
    role: fromEnumFilter(TO_PB, "ApiKeyRole", request.role, "role"),
    monitoredServiceId: request.monitoredServiceId,
    expireTime: fromTimestamp(request.expireTime, "expire_time"),
    rateLimit: request.rateLimit ?? null,
  };
}
