import { notFound } from "../../platform/errors/domain-error.js";
import {
  fetchSlice,
  type ListRequest,
  type ListSlice,
  parseListRequest,
} from "../../platform/listing/list-cursor.js";
import type { Timer, TimerState } from "../domain/timer.js";
import { requireTimerId } from "../domain/timer-id.js";
import type { TimerDeps } from "./ports.js";

/** Reads one timer. */
export async function getTimer(deps: TimerDeps, timerId: string): Promise<Timer> {
  const id = requireTimerId(timerId);
  const timer = await deps.store.get(id);
  if (timer === null) throw notFound("timer", id, "timer_id");
  return timer;
}

/** ListTimers as the client sent it; a null state means any. */
export interface ListTimersInput extends ListRequest {
  readonly state: TimerState | null;
}

/** Pages through timers in id order, optionally of one state. */
export function listTimers(deps: TimerDeps, input: ListTimersInput): Promise<ListSlice<Timer>> {
  const cursor = parseListRequest(input, requireTimerId);
  return fetchSlice(cursor, (c) => deps.store.list({ state: input.state }, c));
}
