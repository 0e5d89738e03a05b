/** How hard the dispatcher tries before giving a page up as failed. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** What to do with a page after a failed attempt. */
export type RetryDecision =
  | { readonly kind: "retry"; readonly delayMs: number }
  | { readonly kind: "fail" };

/**
 * Exponential backoff with jitter (half the delay fixed, half random), so a
 * provider outage is not followed by every dispatcher retrying at the same
 * instant, yet no retry comes sooner than half its step. `random` is in [0, 1).
 */
export function decideRetry(
  policy: RetryPolicy,
  attemptsSoFar: number,
  permanent: boolean,
  random: number,
): RetryDecision {
  if (permanent || attemptsSoFar >= policy.maxAttempts) return { kind: "fail" };
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attemptsSoFar - 1));
  return { kind: "retry", delayMs: Math.round(ceiling / 2 + (ceiling / 2) * random) };
}
