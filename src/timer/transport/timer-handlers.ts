import type { ConnectRouter } from "@connectrpc/connect";
import { TimerService } from "../../../gen/timer/v1/timer_service_pb.js";
import { cancelTimer } from "../app/cancel-timer.js";
import type { TimerDeps } from "../app/ports.js";
import { getTimer, listTimers } from "../app/query-timers.js";
import { setTimer } from "../app/set-timer.js";
import { fromSetTimerRequest, fromTimerStateFilter, toTimerPb } from "./convert/timer-proto.js";

/** timer.v1.TimerService: converts, calls the use case, converts back. */
export function registerTimerService(router: ConnectRouter, deps: TimerDeps): void {
  router.service(TimerService, {
    async setTimer(request) {
      return { timer: toTimerPb(await setTimer(deps, fromSetTimerRequest(request))) };
    },
    async cancelTimer(request) {
      const timer = await cancelTimer(deps, request.timerId);
      return { timer: timer === null ? undefined : toTimerPb(timer) };
    },
    async getTimer(request) {
      return { timer: toTimerPb(await getTimer(deps, request.timerId)) };
    },
    async listTimers(request) {
      const page = await listTimers(deps, {
        ...request,
        state: fromTimerStateFilter(request.state, "state"),
      });
      return { timers: page.items.map(toTimerPb), nextPageToken: page.nextPageToken };
    },
  });
}
