import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { ApiKeyService } from "../../../gen/pager/v1/api_key_service_pb.js";
import { createApiKey, getApiKey, listApiKeys, revokeApiKey } from "../app/manage-api-keys.js";
import type { AppDeps } from "../app/ports.js";
import { actorOf } from "./caller.js";
import { fromCreateApiKeyRequest, toApiKeyPb } from "./convert/api-key-proto.js";

/** pager.v1.ApiKeyService: who may call is decided by the method table, before these run. */
export function registerApiKeyService(router: ConnectRouter, deps: AppDeps): void {
  router.service(ApiKeyService, {
    async createApiKey(request) {
      const { key, secret } = await createApiKey(deps, fromCreateApiKeyRequest(request));
      return { apiKey: toApiKeyPb(key), secret };
    },
    async getApiKey(request) {
      return { apiKey: toApiKeyPb(await getApiKey(deps, request.apiKeyId)) };
    },
    async listApiKeys(request) {
      const page = await listApiKeys(deps, request);
      return { apiKeys: page.items.map(toApiKeyPb), nextPageToken: page.nextPageToken };
    },
    async getCurrentApiKey(_request, context) {
      const actor = actorOf(context);
      if (actor.kind !== "api-key") {
        throw new ConnectError("this call was not made with an API key", Code.Unauthenticated);
      }
      return { apiKey: toApiKeyPb(await getApiKey(deps, actor.apiKeyId)) };
    },
    async revokeApiKey(request) {
      return { apiKey: toApiKeyPb(await revokeApiKey(deps, request.apiKeyId)) };
    },
  });
}
