import { randomBytes, randomUUID } from "node:crypto";
import type {
  IntegrationKey,
  IntegrationKeyAnswer,
  IntegrationKeyResolver,
} from "../../src/pager/app/integration-keys.js";

/**
 * A test double of the integration-key port, not how the pager stores keys:
 * secrets made up here and bound, in memory, to real monitored services the
 * test created through the API. It can revoke a key, make one rate limited
 * and fail every lookup, so tests see every answer the endpoints give.
 */
export class FixedIntegrationKeys implements IntegrationKeyResolver {
  private readonly keys = new Map<string, IntegrationKey>();
  private readonly limited = new Map<string, number>();
  /** While true, every lookup fails, as a key store that is down would. */
  down = false;

  /** A new key for the service: a secret shaped like PagerDuty's (32 lower-case hex characters). */
  add(monitoredServiceId: string, keyName = "monitoring"): string {
    const secret = randomBytes(16).toString("hex");
    this.keys.set(secret, { keyName, apiKeyId: randomUUID(), monitoredServiceId });
    return secret;
  }

  revoke(secret: string): void {
    this.keys.delete(secret);
  }

  /** From now on the key is over its limit; the answer says to retry after `retryAfterMs`. */
  rateLimit(secret: string, retryAfterMs: number): void {
    this.limited.set(secret, retryAfterMs);
  }

  async resolve(secret: string): Promise<IntegrationKeyAnswer> {
    if (this.down) throw new Error("the key store is unavailable");
    const key = this.keys.get(secret);
    if (key === undefined) return { kind: "refused" };
    const retryAfterMs = this.limited.get(secret);
    if (retryAfterMs !== undefined) return { kind: "rate-limited", retryAfterMs };
    return { kind: "accepted", key };
  }
}
