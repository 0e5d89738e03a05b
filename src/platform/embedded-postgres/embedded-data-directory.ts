import { chmod, mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { blockedParent } from "./os-user-reach.js";
import { pathExists } from "./path-exists.js";
import type { PostgresUser } from "./postgres-os-user.js";
import { errorCode } from "./system-error-code.js";

/**
 * Creates the missing parents of `dataDir` (searchable by everyone, whatever the umask) and,
 * as root, checks that the `postgres` user can traverse every parent: without that, initdb
 * and the server fail with a bare "permission denied". The error suggests `alternative`, a
 * directory that user can reach.
 */
export async function prepareParentDirectories(
  dataDir: string,
  asRoot: boolean,
  serverUser: PostgresUser | undefined,
  setting: string,
  alternative: string,
): Promise<void> {
  const parents: string[] = [];
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    parents.push(dir);
    if (path.dirname(dir) === dir) break;
  }
  const missing: string[] = [];
  for (const dir of parents) {
    if (await pathExists(dir)) break;
    missing.push(dir);
  }
  if (missing.length > 0) {
    await mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });
    if (asRoot) {
      for (const dir of missing) await chmod(dir, 0o755);
    }
  }
  if (!asRoot) return;
  const blocked = await blockedParent(dataDir, serverUser);
  if (blocked !== null) {
    throw new Error(
      `The embedded PostgreSQL runs as the "postgres" OS user, which cannot enter ${blocked.dir} ` +
        `(mode ${blocked.mode.toString(8)}, owner uid ${blocked.uid}), a parent of the ` +
        `data directory ${dataDir}. Set ${setting} to a directory whose parents are all ` +
        `searchable by others (o+x), for example ${alternative}, or run: chmod o+x ${blocked.dir}`,
    );
  }
}

/**
 * Whether initdb has already run here (it writes `PG_VERSION`): the data is then reused, so
 * it survives restarts, instead of being initialised again.
 */
export async function isInitialised(dataDir: string): Promise<boolean> {
  return pathExists(path.join(dataDir, "PG_VERSION"));
}

/** initdb refuses a non-empty directory; say why in our words before it does. */
export async function assertEmptyOrMissing(dataDir: string, setting: string): Promise<void> {
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
