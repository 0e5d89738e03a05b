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
    const retryAfterMs = this.tryTake(key);
    if (retryAfterMs === null) return;
    const limit = this.limitOf(key);
    throw resourceExhausted(
      "RATE_LIMITED",
      `the API key "${key.name}" may make ${limit.requestsPerSecond} calls per second (bursts of ${limit.burst}); retry after ${retryAfterMs} ms`,
      retryAfterMs,
    );
  }

  /** Takes a token for `key`: null when it may go ahead, else how many ms until it may retry. */
  tryTake(key: ApiKey): number | null {
    const decision = takeToken(
      this.buckets.get(key.id),
      this.limitOf(key),
      this.clock.now().getTime(),
    );
    this.buckets.set(key.id, decision.bucket);
    return decision.retryAfterMs;
  }

  private limitOf(key: ApiKey): RateLimit {
    return key.rateLimit ?? this.defaults;
  }
}
