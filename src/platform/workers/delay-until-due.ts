/**
 * How long a polling worker may sleep before its next due item: never past
 * it, never negative, and never longer than `maxIdleMs`, so work another
 * process added without waking this one is still seen within that bound.
 */
export function delayUntilDue(next: Date | null, now: Date, maxIdleMs: number): number {
  if (next === null) return maxIdleMs;
  return Math.min(maxIdleMs, Math.max(0, next.getTime() - now.getTime()));
}
