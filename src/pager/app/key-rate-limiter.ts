import { resourceExhausted } from "../../platform/errors/domain-error.js";
import type { Clock } from "../../platform/time/clock.js";
import type { ApiKey, RateLimit } from "../domain/api-key.js";
import { type TokenBucket, takeToken } from "../domain/token-bucket.js";

/**
 * One token bucket per key, in this process: a key's own limit, or the
 * server's default. Each replica counts on its own, so behind N replicas a
 * key may make up to N times its rate; the limit is there to stop a runaway
 * client, not to meter a fair share.
 */
export class KeyRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly defaults: RateLimit,
    private readonly clock: Clock,
  ) {}

  /** Takes a token for `key`, or refuses with RESOURCE_EXHAUSTED and when to retry. */
  take(key: ApiKey): void {
    const limit = key.rateLimit ?? this.defaults;
    const decision = takeToken(this.buckets.get(key.id), limit, this.clock.now().getTime());
    this.buckets.set(key.id, decision.bucket);
    if (decision.retryAfterMs === null) return;
    throw resourceExhausted(
      "RATE_LIMITED",
      `the API key "${key.name}" may make ${limit.requestsPerSecond} calls per second (bursts of ${limit.burst}); retry after ${decision.retryAfterMs} ms`,
      decision.retryAfterMs,
    );
  }
}
