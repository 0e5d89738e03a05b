import { isConnectionLoss } from "../postgres/connection-loss.js";
import type { Clock } from "../time/clock.js";
import { OutageLog } from "./outage-log.js";
import type { LoopErrorHandler } from "./polling-loop.js";
import type { WorkerLog } from "./worker-log.js";

/**
 * How a worker loop reports failed rounds. A lost database fails every
 * round, once a second, for as long as the outage lasts: that is one outage
 * in the log (a warning, a summary every 30 s, a line when rounds work
 * again), as the health probe and the RPCs report it. Any other failure is
 * a fault someone must look at, logged as an error each time.
 */
export function loopOutageLog(logger: WorkerLog, clock: Clock, worker: string): LoopErrorHandler {
  const outage = new OutageLog(logger, clock, {
    failing: "worker round failed: the database is unavailable; retrying",
    recovered: "worker rounds succeed again",
  });
  return Object.assign(
    (err: unknown) => {
      if (isConnectionLoss(err)) outage.failed(worker, { worker, err });
      else logger.error({ err, worker }, "worker round failed; retrying");
    },
    { recovered: () => outage.succeeded(worker, { worker }) },
  );
}
