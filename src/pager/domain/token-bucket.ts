import type { RateLimit } from "./api-key.js";

/** A key's bucket: tokens left, as of `atMs`. It starts full. */
export interface TokenBucket {
  readonly tokens: number;
  readonly atMs: number;
}

/** What taking a token decided: the bucket after, and how long to wait when refused. */
export interface TokenDecision {
  readonly bucket: TokenBucket;
  /** Null: the call may go ahead. Otherwise when one token will be there again. */
  readonly retryAfterMs: number | null;
}

/**
 * The token bucket of a rate limit: `requestsPerSecond` tokens flow in each
 * second up to `burst`, and each call takes one. A storm that a monitoring
 * system sends at once passes as long as the burst covers it, and a client
 * stuck in a loop is held to the steady rate. Pure: time is an argument.
 */
export function takeToken(
  bucket: TokenBucket | undefined,
  limit: RateLimit,
  nowMs: number,
): TokenDecision {
  const elapsedMs = bucket === undefined ? 0 : Math.max(0, nowMs - bucket.atMs);
  const refilled = Math.min(
    limit.burst,
    (bucket?.tokens ?? limit.burst) + (elapsedMs * limit.requestsPerSecond) / 1000,
  );
  if (refilled >= 1) return { bucket: { tokens: refilled - 1, atMs: nowMs }, retryAfterMs: null };
  const missing = 1 - refilled;
  return {
    bucket: { tokens: refilled, atMs: nowMs },
    retryAfterMs: Math.ceil((missing * 1000) / limit.requestsPerSecond),
  };
}
