import { pino } from "pino";
import { startPagerServer } from "../src/pager/pager-server.js";
import { readConfig } from "../src/pager/settings/pager-config.js";
import { GrpcTestClient } from "../test/support/grpc-client.js";
import { createServiceWithPolicy } from "../test/support/pager-fixtures.js";
import { restartFigures, restartUnderLoad } from "../test/support/restart-under-load.js";
import { RestartableDatabase } from "../test/support/restartable-database.js";
import { TEST_KEYS, testPagerEnv } from "../test/support/test-keys.js";
import { readPositive } from "./lib/env-settings.js";
import { fixed, table } from "./lib/text-table.js";

/**
 * `npm run bench:restart`: how the pager lives through a PostgreSQL restart
 * under load. A pager in this process on an embedded PostgreSQL of its own
 * (never a shared server), BENCH_CLIENTS (16) grpc-js clients sending and
 * resolving alerts without pause, the database stopped for BENCH_DOWN_MS
 * (2000) and started again, BENCH_RUNS (3) times. Prints, per run, the calls
 * and the failures by code, when health turned NOT_SERVING after the stop
 * and SERVING after the restart, and when the last call failed after the
 * database accepted connections again. Target: only UNAVAILABLE, every call
 * working again within 5 s of the restart.
 */

const env = process.env;
const settings = {
  clients: readPositive(env, "BENCH_CLIENTS", 16, { integer: true }),
  downMs: readPositive(env, "BENCH_DOWN_MS", 2000, { integer: true }),
  runs: readPositive(env, "BENCH_RUNS", 3, { integer: true }),
};

const database = await RestartableDatabase.start();
const pager = await startPagerServer({
  config: readConfig({ PAGER_PORT: "0", PAGER_WEBHOOK_DELIVERY: "off", ...testPagerEnv() }),
  databaseUrl: database.url,
  logger: pino({ level: env.PAGER_LOG_LEVEL ?? "silent" }),
});
const address = `127.0.0.1:${pager.port}`;
const admin = new GrpcTestClient(address, TEST_KEYS.admin);
try {
  const services = await Promise.all(
    Array.from({ length: settings.clients }, () => createServiceWithPolicy(admin, [60, 60])),
  );
  const rows: string[][] = [];
  for (let run = 1; run <= settings.runs; run++) {
    const figures = restartFigures(
      await restartUnderLoad(
        address,
        database,
        services.map(({ service }) => service.id),
        { beforeMs: 1000, downMs: settings.downMs, afterMs: 7000 },
      ),
    );
    const ms = (value: number | null) => (value === null ? "-" : fixed(value, 0));
    rows.push([
      String(run),
      String(figures.calls),
      Object.entries(figures.codes)
        .map(([code, count]) => `${code} ${count}`)
        .join(", ") || "none",
      ms(figures.notServingAfterDownMs),
      ms(figures.servingAfterUpMs),
      ms(figures.lastFailureAfterUpMs),
    ]);
  }
  console.log(
    `database restart under load: ${settings.clients} clients, database down ${settings.downMs} ms\n`,
  );
  console.log(
    table(
      [
        "run",
        "calls",
        "failed calls by code",
        "NOT_SERVING after stop (ms)",
        "SERVING after start (ms)",
        "last failure after start (ms)",
      ],
      rows,
      new Set([0, 1, 3, 4, 5]),
    ),
  );
} finally {
  admin.close();
  await pager.stop();
  await database.drop();
}
