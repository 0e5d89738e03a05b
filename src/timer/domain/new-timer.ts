import { invalidArgument } from "../../platform/errors/domain-error.js";
import type { CallbackAllowlist } from "./callback-allowlist.js";
import { parseEndpoint } from "./callback-endpoint.js";
import { validateMetadata } from "./callback-metadata.js";
import { parseMethod } from "./callback-method.js";
import type { Callback, Timer } from "./timer.js";
import { requireTimerId } from "./timer-id.js";

/** How far ahead a timer may be set: further than that is a caller's mistake, not a plan. */
const MAX_HORIZON_MS = 366 * 24 * 60 * 60 * 1000;
const MAX_REQUEST_BYTES = 64 * 1024;

/** When a timer is due, as the caller said it: a point in time or a delay from now. */
export type Schedule = { readonly fireTime: Date } | { readonly delayMs: number };

/** SetTimer's input as the transport hands it over; null for what the request left unset. */
export interface SetTimerInput {
  readonly timerId: string;
  readonly schedule: Schedule | null;
  readonly callback: Callback | null;
}

/**
 * Validates a SetTimer and builds the timer it asks for, or refuses it with
 * the field to fix. The allow-list is checked here, before anything is
 * stored, so a refused endpoint never gets as far as the database.
 */
export function newTimer(input: SetTimerInput, allowlist: CallbackAllowlist, now: Date): Timer {
  const id = requireTimerId(input.timerId);
  const { fireTime, delayMs } = scheduleOf(input.schedule, now);
  const callback = validateCallback(input.callback, allowlist);
  return {
    id,
    fireTime,
    delayMs,
    callback,
    state: "scheduled",
    attempts: 0,
    lastError: "",
    createTime: now,
    updateTime: now,
    nextAttemptTime: fireTime,
  };
}

function scheduleOf(schedule: Schedule | null, now: Date) {
  if (schedule === null) throw invalidArgument("fire_time", "set fire_time or delay");
  if ("delayMs" in schedule) {
    if (schedule.delayMs < 0 || schedule.delayMs > MAX_HORIZON_MS) {
      throw invalidArgument("delay", "must be from 0 to 366 days");
    }
    return { fireTime: new Date(now.getTime() + schedule.delayMs), delayMs: schedule.delayMs };
  }
  if (schedule.fireTime.getTime() > now.getTime() + MAX_HORIZON_MS) {
    throw invalidArgument("fire_time", "must be at most 366 days ahead");
  }
  return { fireTime: schedule.fireTime, delayMs: null };
}

function validateCallback(callback: Callback | null, allowlist: CallbackAllowlist): Callback {
  if (callback === null) throw invalidArgument("callback", "is required");
  if (callback.endpoint === "") throw invalidArgument("callback.endpoint", "is required");
  const endpoint = parseEndpoint(callback.endpoint, "callback.endpoint");
  const method = parseMethod(callback.method, "callback.method");
  if (callback.request.length > MAX_REQUEST_BYTES) {
    throw invalidArgument("callback.request", `must be at most ${MAX_REQUEST_BYTES} bytes`);
  }
  const metadata = validateMetadata(callback.metadata, "callback.metadata");
  allowlist.check(endpoint, method, "callback.endpoint");
  return { endpoint, method, request: callback.request, metadata };
}
