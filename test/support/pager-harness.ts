import type pg from "pg";
import { pino } from "pino";
import {
  type PagerServerOptions,
  type RunningPager,
  startPagerServer,
} from "../../src/pager/pager-server.js";
import { readConfig } from "../../src/pager/settings/pager-config.js";
import { assertionPool } from "./assertion-pool.js";
import { testDatabaseUrl } from "./global-database.js";
import { GrpcTestClient } from "./grpc-client.js";
import type { LogRecorder } from "./log-recorder.js";
import { TEST_KEYS, testPagerEnv } from "./test-keys.js";

/** A clock the test moves by hand; the server reads it for every decision and timer. */
export class TestClock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** A real pager on a real port, a real database, and a grpc-js client to it. */
export interface PagerHarness {
  readonly pager: RunningPager;
  /** Presents the admin key, which may call everything. */
  readonly client: GrpcTestClient;
  readonly clock: TestClock;
  readonly address: string;
  /** Direct SQL access, to assert on rows the API does not show (timers). */
  readonly db: pg.Pool;
  stop(): Promise<void>;
}

/**
 * Starts the same server `npm start` runs, on port 0, with settings overridable per suite.
 * Webhooks go to the log unless a suite turns them on: fixtures use unreachable URLs.
 * Its admin key is the run's (PAGER_ADMIN_KEY), so no key file is written.
 * With `logs`, the server logs at info into it instead of to stdout. The
 * database is the run's shared one unless `options.databaseUrl` names
 * another; `options.integrationKeys` wraps how integration keys are found,
 * `options.webhookResolver` how webhook host names resolve.
 */
export async function startPagerHarness(
  env: Record<string, string> = {},
  logs?: LogRecorder,
  options: Pick<PagerServerOptions, "integrationKeys" | "webhookResolver"> & {
    databaseUrl?: string;
  } = {},
): Promise<PagerHarness> {
  const { databaseUrl, ...serverOptions } = options;
  const url = databaseUrl ?? (await testDatabaseUrl());
  const clock = new TestClock();
  const pager = await startPagerServer({
    config: readConfig({
      PAGER_PORT: "0",
      PAGER_SHUTDOWN_GRACE_MS: "2000",
      PAGER_WEBHOOK_DELIVERY: "off",
      ...testPagerEnv(),
      ...env,
    }),
    databaseUrl: url,
    logger:
      logs === undefined
        ? pino({ level: process.env.PAGER_TEST_LOG_LEVEL ?? "silent" })
        : pino({ level: "info" }, logs),
    clock,
    ...serverOptions,
  });
  const address = `127.0.0.1:${pager.port}`;
  const client = new GrpcTestClient(address, TEST_KEYS.admin);
  const db = assertionPool(url);
  return {
    pager,
    client,
    clock,
    address,
    db,
    async stop() {
      client.close();
      await db.end();
      await pager.stop();
    },
  };
}

/** Polls until `check` passes or the deadline passes; for work the server does after commit. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
