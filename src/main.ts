import { pino } from "pino";
import { startEmbeddedDatabase } from "./adapters/postgres/embedded-database.js";
import { readConfig } from "./config.js";
import { startPagerServer } from "./pager-server.js";

/**
 * `npm start`: reads the environment, starts an embedded PostgreSQL when no
 * DATABASE_URL is given, runs the pager, and shuts everything down in order
 * on SIGINT/SIGTERM so no call in flight and no claimed page is cut short.
 */
async function main(): Promise<void> {
  const config = readConfig(process.env);
  const logger = pino({ level: config.logLevel, base: { service: "pager" } });
  const embedded =
    config.databaseUrl === null
      ? await startEmbeddedDatabase({
          dataDir: config.dataDir,
          logger: logger.child({ component: "embedded-postgres" }),
        })
      : null;
  if (embedded !== null) logger.info({ data_dir: config.dataDir }, "using embedded PostgreSQL");
  let pager: Awaited<ReturnType<typeof startPagerServer>>;
  try {
    pager = await startPagerServer({
      config,
      databaseUrl: config.databaseUrl ?? embedded?.url ?? "",
      logger,
    });
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    try {
      await pager.stop();
      await embedded?.stop();
      logger.info("stopped");
    } catch (err) {
      logger.error({ err }, "unclean shutdown");
      process.exitCode = 1;
    }
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => void shutdown(signal));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
