import type { Context } from "./load-context.js";

/**
 * Waits until the dispatcher has delivered every queued page, so the work an
 * untimed setup step queued does not leak into the next measured window.
 */
export async function settle(ctx: Context): Promise<void> {
  if (ctx.settleWarning !== null) return;
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      const [row] = await ctx.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM notifications WHERE state = 'pending'",
      );
      if ((row?.n ?? 0) === 0) return;
      if (Date.now() > deadline) {
        ctx.settleWarning = `${row?.n} notifications still pending after 60 s; stopped waiting`;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (error) {
    ctx.settleWarning = `could not read the outbox (${(error as Error).message}); not settling`;
  }
}
