import { failedPrecondition } from "../../platform/errors/domain-error.js";
import { generateSecret, SECRET_PATTERN } from "../../platform/secrets/random-secret.js";
import { hashSecret } from "../../platform/secrets/secret-hash.js";
import { type ApiKey, type ApiKeyRole, isUsable, newApiKey } from "../domain/api-key.js";
import type { AppDeps, SecretKeeper, UnitOfWork } from "./ports.js";

/**
 * The first admin key, made only when the database holds no key at all, so
 * that a new installation can be used at once and a later start never adds
 * another. Its secret goes to `keeper` before the key commits: if it cannot
 * be kept, no key is left that nobody can use. Replicas starting together
 * take the server-keys lock in turn, so exactly one makes it.
 */
export async function ensureFirstAdminKey(
  deps: AppDeps,
  keeper: SecretKeeper,
): Promise<ApiKey | null> {
  return deps.tx.run(async (uow) => {
    await uow.apiKeys.lockServerKeys();
    if (await uow.apiKeys.anyExists()) return null;
    const secret = generateSecret();
    const key = await insertKey(deps, uow, secret, "admin", "admin");
    await keeper.write(secret);
    return key;
  });
}

/**
 * A key whose secret the operator chose (PAGER_ADMIN_KEY, say): registered
 * under its hash the first time it is seen, found afterwards. Resolves with
 * the stored key, which may have been revoked since; the caller decides what
 * that means. A secret already used by a key of another role is refused:
 * one secret, one role.
 */
export async function ensureSuppliedKey(
  deps: AppDeps,
  secret: string,
  wanted: { readonly role: ApiKeyRole; readonly name: string; readonly setting: string },
): Promise<ApiKey> {
  return deps.tx.run(async (uow) => {
    await uow.apiKeys.lockServerKeys();
    const existing = await uow.apiKeys.findBySecretHash(hashSecret(secret));
    if (existing === null) return insertKey(deps, uow, secret, wanted.role, wanted.name);
    if (existing.role !== wanted.role) {
      throw failedPrecondition(
        "API_KEY_ROLE_MISMATCH",
        `${wanted.setting} is the secret of the API key "${existing.name}", whose role is ${existing.role}; give it a secret of its own`,
      );
    }
    return existing;
  });
}

/**
 * A key the server needs for itself and keeps in `keeper` (the credential
 * the timer service calls back with): the kept secret while its key is still
 * usable, otherwise a new key whose secret replaces it. Restarts reuse it;
 * replicas sharing the keeper share it.
 */
export async function ensureKeptKey(
  deps: AppDeps,
  keeper: SecretKeeper,
  wanted: { readonly role: ApiKeyRole; readonly name: string },
): Promise<{ readonly secret: string; readonly created: boolean }> {
  return deps.tx.run(async (uow) => {
    await uow.apiKeys.lockServerKeys();
    const kept = await keeper.read();
    if (kept !== null && SECRET_PATTERN.test(kept)) {
      const key = await uow.apiKeys.findBySecretHash(hashSecret(kept));
      if (key !== null && key.role === wanted.role && isUsable(key, deps.clock.now())) {
        return { secret: kept, created: false };
      }
    }
    const secret = generateSecret();
    await insertKey(deps, uow, secret, wanted.role, wanted.name);
    await keeper.write(secret);
    return { secret, created: true };
  });
}

/** A name already taken by a live key gets the secret's suffix, so both stay tellable apart. */
async function insertKey(
  deps: AppDeps,
  uow: UnitOfWork,
  secret: string,
  role: ApiKeyRole,
  name: string,
): Promise<ApiKey> {
  const suffix = secret.slice(-4);
  const free = (await uow.apiKeys.isNameTaken(name)) ? `${name} …${suffix}` : name;
  const key = newApiKey(
    { name: free, role, monitoredServiceId: "", expireTime: null, rateLimit: null },
    { id: deps.ids.next(), secretSuffix: suffix, now: deps.clock.now() },
  );
  await uow.apiKeys.insert(key, hashSecret(secret));
  return key;
}
