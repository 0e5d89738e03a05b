import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chown, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { watchOutputFor } from "./output-watch.js";
import type { PostgresBinaries } from "./postgres-binaries.js";
import { type PostgresUser, SUPERUSER } from "./postgres-os-user.js";

/** Output of initdb and the server, line by line as they write it. */
export type ServerOutput = (text: string) => void;

/** How the server's own programs run: as `user` when this process is root, in the C locale. */
function spawnAs(program: string, args: string[], user: PostgresUser | undefined): ChildProcess {
  return spawn(program, args, {
    ...(user === undefined ? {} : { uid: user.uid, gid: user.gid }),
    env: { ...process.env, LC_ALL: "C", LC_MESSAGES: "C" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/**
 * Runs initdb on `dataDir` with `password` for the superuser; the password
 * goes through a file only the server's user can read, removed afterwards.
 */
export async function initdb(
  binaries: PostgresBinaries,
  dataDir: string,
  password: string,
  user: PostgresUser | undefined,
  output: ServerOutput,
): Promise<void> {
  const passwordFile = path.join(tmpdir(), `pager-pg-password-${randomBytes(6).toString("hex")}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    if (user !== undefined) await chown(passwordFile, user.uid, user.gid);
    const child = spawnAs(
      binaries.initdb,
      [
        `--pgdata=${dataDir}`,
        "--auth=scram-sha-256",
        `--username=${SUPERUSER}`,
        `--pwfile=${passwordFile}`,
        // C locale: the same sort order and behaviour on every machine, whatever it has installed.
        "--encoding=UTF8",
        "--locale=C",
      ],
      user,
    );
    let errors = "";
    child.stdout?.on("data", (chunk: Buffer) => output(chunk.toString("utf8")));
    child.stderr?.on("data", (chunk: Buffer) => {
      errors += chunk.toString("utf8");
      output(chunk.toString("utf8"));
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
      (resolve, reject) => {
        child.once("error", reject);
        child.once("close", (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
      },
    );
    if (code !== 0) {
      throw new Error(`initdb exited with ${code ?? signal}: ${errors.trim()}`);
    }
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/**
 * Starts the server on 127.0.0.1:`port` only (a port clash then fails loudly
 * instead of half-binding), without a Unix socket, so nothing is written to
 * /tmp; resolves once it accepts connections, rejects if it exits first.
 */
export function startPostgres(
  binaries: PostgresBinaries,
  dataDir: string,
  port: number,
  user: PostgresUser | undefined,
  output: ServerOutput,
): { child: ChildProcess; ready: Promise<void> } {
  const child = spawnAs(
    binaries.postgres,
    [
      "-D",
      dataDir,
      "-p",
      String(port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
    ],
    user,
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => reject(new Error(`exited with ${code ?? signal}`)));
    child.stdout?.on("data", (chunk: Buffer) => output(chunk.toString("utf8")));
    const watch = watchOutputFor("database system is ready to accept connections", resolve);
    child.stderr?.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output(text);
      watch(text);
    });
  });
  // The rejection after a successful start (the server stopping) is nobody's error.
  ready.catch(() => undefined);
  return { child, ready };
}
