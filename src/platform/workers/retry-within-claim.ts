import type { Clock } from "../time/clock.js";

/** First pause between attempts; it doubles up to {@link MAX_PAUSE_MS}. */
const FIRST_PAUSE_MS = 100;
const MAX_PAUSE_MS = 2000;

/**
 * Writes the outcome of a delivery that already happened, again and again
 * while the database is unreachable, until `giveUpAt`. The delivery cannot
 * be taken back: if its outcome is not written, the claim runs out and
 * another attempt delivers it a second time. So a write that fails (the
 * database restarting) is retried for as long as the claim still protects
 * the work, and only then given up, for the lease to bring the work back.
 * `write` must be idempotent (it is: outcomes are written only onto work
 * still pending).
 */
export async function retryWithinClaim(
  write: () => Promise<void>,
  giveUpAt: Date,
  clock: Clock,
): Promise<void> {
  for (let pauseMs = FIRST_PAUSE_MS; ; pauseMs = Math.min(MAX_PAUSE_MS, pauseMs * 2)) {
    try {
      await write();
      return;
    } catch (error) {
      if (clock.now().getTime() + pauseMs >= giveUpAt.getTime()) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}
