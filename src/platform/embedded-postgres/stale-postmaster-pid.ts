import { readdir, readFile, readlink, realpath, rm } from "node:fs/promises";
import path from "node:path";
import type { EmbeddedDatabaseLogger } from "./embedded-server-log.js";
import { errorCode } from "./system-error-code.js";

/** How long leftover backends of a dead postmaster may take to notice and exit. */
const ORPHAN_EXIT_WAIT_MS = 5_000;

/**
 * A `postmaster.pid` survives a run that was killed. PostgreSQL refuses to start when the pid
 * in it belongs to a live process, and after a restart of the machine that pid may well be
 * reused by an unrelated one. The file is removed unless a process still works in the data
 * directory (every PostgreSQL process has it as its working directory): a live postmaster
 * means another server owns these files; leftover backends of a dead one get a few seconds
 * to exit, as they do by themselves.
 */
export async function removeStaleLockFile(
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
