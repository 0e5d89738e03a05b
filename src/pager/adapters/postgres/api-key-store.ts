import { type EntityManager, IsNull } from "typeorm";
import type { ListCursor } from "../../../platform/listing/list-cursor.js";
import { afterId } from "../../../platform/postgres/keyset.js";
import type { ApiKeyStore } from "../../app/ports.js";
import type { ApiKey } from "../../domain/api-key.js";
import { ApiKeyEntity, type ApiKeyRow } from "./entities/api-key-entity.js";

/** Arbitrary but fixed: every pager process making its own keys at start takes this lock. */
const SERVER_KEYS_LOCK = 7_256_330_003;

/** API keys in PostgreSQL; see the api_keys migration for what the constraints guarantee. */
export class TypeormApiKeyStore implements ApiKeyStore {
  private readonly repo;

  constructor(private readonly manager: EntityManager) {
    this.repo = manager.getRepository(ApiKeyEntity);
  }

  async insert(key: ApiKey, secretHash: string): Promise<void> {
    await this.repo.insert({
      id: key.id,
      name: key.name,
      role: key.role,
      monitoredServiceId: key.monitoredServiceId,
      secretHash,
      secretSuffix: key.secretSuffix,
      createTime: key.createTime,
      expireTime: key.expireTime,
      revokeTime: key.revokeTime,
      lastUseTime: key.lastUseTime,
      rateLimitPerSecond: key.rateLimit?.requestsPerSecond ?? null,
      rateLimitBurst: key.rateLimit?.burst ?? null,
    });
  }

  async get(id: string): Promise<ApiKey | null> {
    return toApiKey(await this.repo.findOneBy({ id }));
  }

  async lock(id: string): Promise<ApiKey | null> {
    return toApiKey(
      await this.repo.findOne({ where: { id }, lock: { mode: "pessimistic_write" } }),
    );
  }

  async findBySecretHash(secretHash: string): Promise<ApiKey | null> {
    return toApiKey(await this.repo.findOneBy({ secretHash }));
  }

  async list(page: ListCursor): Promise<ApiKey[]> {
    const rows = await this.repo.find({
      where: afterId(page),
      order: { id: "ASC" },
      take: page.limit,
    });
    return rows.map((row) => toApiKey(row) as ApiKey);
  }

  async revoke(id: string, revokeTime: Date): Promise<void> {
    await this.repo.update({ id, revokeTime: IsNull() }, { revokeTime });
  }

  async recordUse(id: string, now: Date, intervalMs: number): Promise<void> {
    await this.manager.query(
      `UPDATE api_keys SET last_use_time = $2
        WHERE id = $1 AND (last_use_time IS NULL OR last_use_time <= $3)`,
      [id, now, new Date(now.getTime() - intervalMs)],
    );
  }

  isNameTaken(name: string): Promise<boolean> {
    return this.repo.exists({ where: { name, revokeTime: IsNull() } });
  }

  anyExists(): Promise<boolean> {
    return this.repo.exists({});
  }

  async lockServerKeys(): Promise<void> {
    await this.manager.query("SELECT pg_advisory_xact_lock($1)", [SERVER_KEYS_LOCK]);
  }
}

/** The secret's hash stays in the adapter: nothing above it needs or sees it. */
function toApiKey(row: ApiKeyRow | null): ApiKey | null {
  if (row === null) return null;
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    monitoredServiceId: row.monitoredServiceId,
    createTime: row.createTime,
    expireTime: row.expireTime,
    revokeTime: row.revokeTime,
    lastUseTime: row.lastUseTime,
    rateLimit:
      row.rateLimitPerSecond === null || row.rateLimitBurst === null
        ? null
        : { requestsPerSecond: row.rateLimitPerSecond, burst: row.rateLimitBurst },
    secretSuffix: row.secretSuffix,
  };
}
