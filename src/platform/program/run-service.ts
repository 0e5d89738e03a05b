import path from "node:path";
import { type Logger, pino } from "pino";
import {
  type EmbeddedDatabase,
  startEmbeddedDatabase,
} from "../embedded-postgres/embedded-database.js";
import type { Setting } from "../settings/setting.js";
import { type ProgramUsage, settingsHelp } from "../settings/settings-help.js";
import { portInUseMessage } from "./port-in-use.js";
import type { ProcessSettings } from "./process-settings.js";

/** What differs between the programs of this project (the pager, the timer service). */
export interface ServiceProgram {
  /**
   * `pager` or `timer`: the `service` field of every log line, the database
   * inside an embedded cluster, and the prefix of its settings.
   */
  readonly name: string;
  readonly settings: ProcessSettings;
  /** Starts serving; resolves once ready, with how to stop. */
  start(databaseUrl: string, logger: Logger): Promise<{ stop(): Promise<void> }>;
}

/** What `--help` prints about a program: how it is started and every setting it reads. */
export interface ProgramHelp extends ProgramUsage {
  readonly settings: () => readonly Setting[];
}

/**
 * A program's life: `--help` (or `-h`) prints its settings and exits
 * without reading them, so it works whatever the environment holds. Else it
 * starts an embedded PostgreSQL when no database URL is given, starts the
 * service, and on SIGINT/SIGTERM shuts everything down in order, so no call
 * in flight and no claimed work is cut short. `load` reads
 * the configuration: a failed load or start exits with code 1 and its
 * message, never a stack trace for a typo in a setting.
 */
export function runService(help: ProgramHelp, load: () => ServiceProgram): void {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${settingsHelp(help, help.settings())}\n`);
    return;
  }
  Promise.resolve()
    .then(() => run(load()))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}

/**
 * Where the embedded database keeps its data and runs from, and why when it is not where
 * the settings say: running as root, the `postgres` OS user cannot enter the checkout.
 */
function embeddedStartLine(configured: string, embedded: EmbeddedDatabase): object {
  const moved = embedded.dataDir !== path.resolve(configured);
  return {
    data_dir: embedded.dataDir,
    ...(moved
      ? {
          data_dir_moved: `the postgres OS user runs the embedded PostgreSQL and cannot reach ${path.resolve(configured)}: its data is in ${embedded.dataDir}`,
        }
      : {}),
    ...(embedded.binariesCopiedTo !== null
      ? {
          binaries: `copied to ${embedded.binariesCopiedTo}, where the postgres OS user can run them`,
        }
      : {}),
  };
}

async function run(program: ServiceProgram): Promise<void> {
  const { name, settings } = program;
  const logger = pino({ level: settings.logLevel, base: { service: name } });
  const embedded =
    settings.databaseUrl === null
      ? await startEmbeddedDatabase({
          dataDir: settings.dataDir,
          databaseName: name,
          dataDirSetting: `${name.toUpperCase()}_DATA_DIR`,
          movable: settings.dataDirIsDefault,
          logger: logger.child({ component: "embedded-postgres" }),
        })
      : null;
  if (embedded !== null)
    logger.info(embeddedStartLine(settings.dataDir, embedded), "using embedded PostgreSQL");
  let service: { stop(): Promise<void> };
  try {
    service = await program.start(settings.databaseUrl ?? embedded?.url ?? "", logger);
  } catch (error) {
    await embedded?.stop();
    const portTaken = portInUseMessage(error, name, settings);
    throw portTaken === null ? error : new Error(portTaken);
  }
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    try {
      await service.stop();
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
