import { alreadyExists } from "../../platform/errors/domain-error.js";
import { quoted } from "../../platform/errors/quoted.js";
import { newTimer, type SetTimerInput } from "../domain/new-timer.js";
import { sameContent, type Timer } from "../domain/timer.js";
import type { TimerDeps } from "./ports.js";

/**
 * Schedules a callback, idempotently by the caller's id: a caller that
 * crashed or timed out after sending SetTimer sends it again, and must get
 * the same timer rather than a second callback. The id stays taken after the
 * timer fired or was cancelled, so a late retry cannot resurrect it.
 */
export async function setTimer(deps: TimerDeps, input: SetTimerInput): Promise<Timer> {
  const timer = newTimer(input, deps.allowlist, deps.clock.now());
  if (await deps.store.insertIfAbsent(timer)) return timer;
  const stored = await deps.store.get(timer.id);
  if (stored === null) {
    // Removed between the two statements: only an operator's clean-up does that.
    throw new Error(`timer ${timer.id} vanished while being set; retry`);
  }
  if (!sameContent(stored, timer)) {
    throw alreadyExists(
      "TIMER_ID_TAKEN",
      "timer_id",
      `a timer ${quoted(timer.id)} exists with another fire time or callback; ids are never reused`,
    );
  }
  return stored;
}
