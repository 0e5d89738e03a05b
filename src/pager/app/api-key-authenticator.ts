import { SECRET_PATTERN } from "../../platform/secrets/random-secret.js";
import { hashSecret } from "../../platform/secrets/secret-hash.js";
import type { Clock } from "../../platform/time/clock.js";
import { type ApiKey, invalidApiKey, isUsable } from "../domain/api-key.js";
import type { ApiKeyCache, TransactionRunner } from "./ports.js";

/** How the authenticator trades freshness for cost. */
export interface AuthenticatorOptions {
  /**
   * How long a key read from the database is trusted. A revocation made on
   * another process is seen here within this delay (this process's own
   * revocations at once).
   */
  readonly cacheTtlMs: number;
  /** last_use_time is written at most once per this interval, per key and process. */
  readonly lastUseIntervalMs: number;
  /** Most secrets remembered, found or not; the oldest are dropped beyond. */
  readonly maxEntries: number;
}

interface Entry {
  /** Null: no key has this secret (remembered too, so guessing costs no query per try). */
  readonly key: ApiKey | null;
  readonly loadedAtMs: number;
}

/**
 * Turns a presented secret into the key it belongs to, or refuses it with
 * one message whatever the reason. On the hot path it costs a SHA-256 and a
 * map lookup: keys are cached by the hash of their secret for a short TTL,
 * concurrent first uses of a secret share one query, and the last use is
 * written at most about once a minute per key.
 */
export class ApiKeyAuthenticator implements ApiKeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<ApiKey | null>>();
  private readonly lastRecordedMs = new Map<string, number>();
  /** Moves on at every revocation: a read that started before one must not be cached. */
  private epoch = 0;

  constructor(
    private readonly deps: { readonly tx: TransactionRunner; readonly clock: Clock },
    private readonly options: AuthenticatorOptions,
    private readonly onRecordError: (error: unknown) => void,
  ) {}

  /** The key of `secret` when it is known, not revoked and not expired; else UNAUTHENTICATED. */
  async authenticate(secret: string | null): Promise<ApiKey> {
    if (secret === null || !SECRET_PATTERN.test(secret)) throw invalidApiKey();
    const now = this.deps.clock.now();
    const key = await this.lookup(hashSecret(secret), now.getTime());
    if (key === null || !isUsable(key, now)) throw invalidApiKey();
    this.recordUse(key, now);
    return key;
  }

  forget(apiKeyId: string): void {
    this.epoch += 1;
    for (const [hash, entry] of this.entries) {
      if (entry.key?.id === apiKeyId) this.entries.delete(hash);
    }
  }

  private async lookup(hash: string, nowMs: number): Promise<ApiKey | null> {
    const cached = this.entries.get(hash);
    if (cached !== undefined && nowMs - cached.loadedAtMs < this.options.cacheTtlMs) {
      return cached.key;
    }
    let loading = this.loading.get(hash);
    if (loading === undefined) {
      loading = this.load(hash, nowMs);
      this.loading.set(hash, loading);
    }
    return loading;
  }

  private async load(hash: string, nowMs: number): Promise<ApiKey | null> {
    const epoch = this.epoch;
    try {
      const key = await this.deps.tx.run((uow) => uow.apiKeys.findBySecretHash(hash));
      if (epoch === this.epoch) this.remember(hash, { key, loadedAtMs: nowMs });
      return key;
    } finally {
      this.loading.delete(hash);
    }
  }

  private remember(hash: string, entry: Entry): void {
    this.entries.delete(hash);
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    if (this.options.cacheTtlMs > 0) this.entries.set(hash, entry);
  }

  /** Best effort, after the answer: a failed write costs the accuracy of last_use_time, not the call. */
  private recordUse(key: ApiKey, now: Date): void {
    const nowMs = now.getTime();
    const lastMs = Math.max(
      key.lastUseTime?.getTime() ?? Number.NEGATIVE_INFINITY,
      this.lastRecordedMs.get(key.id) ?? Number.NEGATIVE_INFINITY,
    );
    if (nowMs - lastMs < this.options.lastUseIntervalMs) return;
    this.lastRecordedMs.set(key.id, nowMs);
    const interval = this.options.lastUseIntervalMs;
    void this.deps.tx
      .run((uow) => uow.apiKeys.recordUse(key.id, now, interval))
      .catch(this.onRecordError);
  }
}
