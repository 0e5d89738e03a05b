import { create } from "@bufbuild/protobuf";
import {
  type SetTimerRequest,
  type Timer as TimerPb,
  TimerSchema,
  TimerState as TimerStatePb,
} from "../../../../gen/timer/v1/timer_service_pb.js";
import { fromEnumFilter } from "../../../platform/proto/enum-filter.js";
import { fromDuration, fromTimestamp, toTimestamp } from "../../../platform/proto/proto-time.js";
import type { Schedule, SetTimerInput } from "../../domain/new-timer.js";
import type { Timer, TimerState } from "../../domain/timer.js";

const TO_PB: Record<TimerState, TimerStatePb> = {
  scheduled: TimerStatePb.SCHEDULED,
  firing: TimerStatePb.FIRING,
  fired: TimerStatePb.FIRED,
  failed: TimerStatePb.FAILED,
  cancelled: TimerStatePb.CANCELLED,
};

/**
 * The wire form of a timer. The callback's metadata is never part of it: its
 * values are the callee's credentials, kept only to be sent.
 */
export function toTimerPb(timer: Timer): TimerPb {
  const { endpoint, method, request } = timer.callback;
  return create(TimerSchema, {
    timerId: timer.id,
    fireTime: toTimestamp(timer.fireTime),
    callback: { endpoint, method, request },
    state: TO_PB[timer.state],
    attempts: timer.attempts,
    lastError: timer.lastError,
    createTime: toTimestamp(timer.createTime),
    updateTime: toTimestamp(timer.updateTime),
    nextAttemptTime: toTimestamp(timer.nextAttemptTime),
  });
}

/** SetTimer as the domain reads it; the oneof and unset messages become nulls. */
export function fromSetTimerRequest(request: SetTimerRequest): SetTimerInput {
  return {
    timerId: request.timerId,
    schedule: scheduleOf(request.schedule),
    callback:
      request.callback === undefined
        ? null
        : {
            endpoint: request.callback.endpoint,
            method: request.callback.method,
            request: request.callback.request,
            metadata: request.callback.metadata,
          },
  };
}

function scheduleOf(schedule: SetTimerRequest["schedule"]): Schedule | null {
  switch (schedule.case) {
    case "fireTime":
      return { fireTime: fromTimestamp(schedule.value, "fire_time") as Date };
    case "delay":
      return { delayMs: fromDuration(schedule.value, "delay") ?? 0 };
    default:
      return null;
  }
}

/** A ListTimers state filter: UNSPECIFIED means any. */
export function fromTimerStateFilter(state: TimerStatePb, field: string): TimerState | null {
  return fromEnumFilter(TO_PB, "TimerState", state, field);
}
