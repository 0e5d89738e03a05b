import { pino } from "pino";
import { readTimerConfig } from "../../src/timer/timer-config.js";
import { type RunningTimerService, startTimerServer } from "../../src/timer/timer-server.js";
import { GrpcTestClient } from "./grpc-client.js";
import { TEST_KEYS } from "./test-keys.js";

/** A timer service replica in this process, on a real port, and a grpc-js client to it. */
export interface TimerHarness {
  readonly timer: RunningTimerService;
  /** Presents one of the keys the replica accepts. */
  readonly client: GrpcTestClient;
  readonly address: string;
  stop(): Promise<void>;
}

/**
 * Starts the same server `npm run timer` runs, on port 0 and `databaseUrl`,
 * with TIMER_* settings overridable per suite.
 */
export async function startTimerHarness(
  databaseUrl: string,
  env: Record<string, string>,
): Promise<TimerHarness> {
  const timer = await startTimerServer({
    config: readTimerConfig({
      TIMER_PORT: "0",
      TIMER_SHUTDOWN_GRACE_MS: "1000",
      TIMER_API_KEYS: TEST_KEYS.timerService,
      ...env,
    }),
    databaseUrl,
    logger: pino({ level: process.env.PAGER_TEST_LOG_LEVEL ?? "silent" }),
  });
  const address = `127.0.0.1:${timer.port}`;
  const client = new GrpcTestClient(address, TEST_KEYS.timerService);
  return {
    timer,
    client,
    address,
    async stop() {
      client.close();
      await timer.stop();
    },
  };
}
