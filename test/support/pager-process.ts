import { freePort } from "./free-port.js";
import { GrpcTestClient } from "./grpc-client.js";
import { startServiceProcess } from "./service-process.js";
import { TEST_KEYS, testPagerEnv } from "./test-keys.js";

/** A pager running as its own OS process, as `npm start` runs it, and a client to it. */
export interface PagerProcess {
  readonly address: string;
  /** The OS process id, e.g. to read its memory use in /proc. */
  readonly pid: number;
  /** Presents the admin key. */
  readonly client: GrpcTestClient;
  /** SIGKILL: no shutdown, no cleanup, claims left as they are. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the graceful exit. */
  stop(): Promise<void>;
}

/**
 * Starts the pager in a child process on a free loopback port with `env`
 * (which names the database) and resolves once it is SERVING. Logs at
 * PAGER_TEST_LOG_LEVEL, warn by default.
 */
export async function startPagerProcess(env: Record<string, string>): Promise<PagerProcess> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const service = await startServiceProcess(
    "test/support/pager-main.ts",
    {
      PAGER_LOG_LEVEL: process.env.PAGER_TEST_LOG_LEVEL ?? "warn",
      ...testPagerEnv(),
      ...env,
      PAGER_HOST: "127.0.0.1",
      PAGER_PORT: String(port),
    },
    address,
  );
  const client = new GrpcTestClient(address, TEST_KEYS.admin);
  const end = async (signal: NodeJS.Signals) => {
    client.close();
    await service.kill(signal);
  };
  return {
    address,
    pid: service.pid,
    client,
    kill: () => end("SIGKILL"),
    stop: () => end("SIGTERM"),
  };
}
