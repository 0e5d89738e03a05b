import { alreadyExists, notFound } from "../../platform/errors/domain-error.js";
import { quoted } from "../../platform/errors/quoted.js";
import {
  fetchSlice,
  type ListRequest,
  type ListSlice,
  parseListRequest,
} from "../../platform/listing/list-cursor.js";
import { generateSecret } from "../../platform/secrets/random-secret.js";
import { hashSecret } from "../../platform/secrets/secret-hash.js";
import {
  type ApiKey,
  type NewApiKeyInput,
  newApiKey,
  revokeApiKey as revoke,
} from "../domain/api-key.js";
import { requireId } from "../domain/resource-id.js";
import { requireService } from "./manage-monitored-services.js";
import type { AppDeps, UnitOfWork } from "./ports.js";

/** A new key and its secret, which exists only in this result: the server keeps a hash. */
export interface CreatedApiKey {
  readonly key: ApiKey;
  readonly secret: string;
}

/**
 * Makes a key. The secret is random and shown once; what is stored is its
 * hash, so neither the database nor a backup of it can give a key away. A
 * binding names a service that must exist now, so a typo is found at once.
 */
export async function createApiKey(deps: AppDeps, input: NewApiKeyInput): Promise<CreatedApiKey> {
  const secret = generateSecret();
  const key = newApiKey(input, {
    id: deps.ids.next(),
    secretSuffix: secret.slice(-4),
    now: deps.clock.now(),
  });
  await deps.tx.run(async (uow) => {
    if (key.monitoredServiceId !== null) {
      await requireService(uow, key.monitoredServiceId, "monitored_service_id", "read");
    }
    await refuseTakenName(uow, key.name);
    await uow.apiKeys.insert(key, hashSecret(secret));
  });
  return { key, secret };
}

/** Reads one key, never its secret. */
export async function getApiKey(deps: AppDeps, id: string): Promise<ApiKey> {
  const keyId = requireId(id, "api_key_id");
  return deps.tx.run((uow) => requireKey(uow, keyId, "read"));
}

/** Pages through keys in creation order, revoked ones included: they are the record of who could act. */
export function listApiKeys(deps: AppDeps, input: ListRequest): Promise<ListSlice<ApiKey>> {
  const cursor = parseListRequest(input, requireId);
  return deps.tx.run((uow) => fetchSlice(cursor, (c) => uow.apiKeys.list(c)));
}

/**
 * Revokes for good. This process forgets the key at once; other processes
 * stop accepting it when their cached copy expires (see the key cache).
 */
export async function revokeApiKey(deps: AppDeps, id: string): Promise<ApiKey> {
  const keyId = requireId(id, "api_key_id");
  const revoked = await deps.tx.run(async (uow) => {
    const key = await requireKey(uow, keyId, "lock");
    const after = revoke(key, deps.clock.now());
    if (after !== key && after.revokeTime !== null)
      await uow.apiKeys.revoke(key.id, after.revokeTime);
    return after;
  });
  deps.keyCache.forget(revoked.id);
  return revoked;
}

async function requireKey(uow: UnitOfWork, id: string, access: "lock" | "read"): Promise<ApiKey> {
  const key = access === "lock" ? await uow.apiKeys.lock(id) : await uow.apiKeys.get(id);
  if (key === null) throw notFound("API key", id, "api_key_id");
  return key;
}

/** Names say who acted in alerts: two live keys with one name would make that ambiguous. */
export async function refuseTakenName(uow: UnitOfWork, name: string): Promise<void> {
  if (await uow.apiKeys.isNameTaken(name)) {
    throw alreadyExists(
      "API_KEY_NAME_TAKEN",
      "name",
      `an API key named ${quoted(name)} exists and is not revoked`,
    );
  }
}
