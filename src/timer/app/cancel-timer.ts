import type { Timer } from "../domain/timer.js";
import { requireTimerId } from "../domain/timer-id.js";
import type { TimerDeps } from "./ports.js";

/**
 * Cancels a timer that has not fired. Callers cancel as a matter of course
 * (an alert was acknowledged) without knowing whether the timer already
 * fired, so a fired, failed or unknown timer is not an error.
 */
export async function cancelTimer(deps: TimerDeps, timerId: string): Promise<Timer | null> {
  const id = requireTimerId(timerId);
  await deps.store.cancel(id, deps.clock.now());
  return deps.store.get(id);
}
