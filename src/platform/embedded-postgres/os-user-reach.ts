import { stat } from "node:fs/promises";
import path from "node:path";
import type { PostgresUser } from "./postgres-os-user.js";
import { errorCode } from "./system-error-code.js";

/** A directory another OS user cannot enter, as error messages describe it. */
export interface BlockedDirectory {
  readonly dir: string;
  /** Permission bits, e.g. 0o700. */
  readonly mode: number;
  readonly uid: number;
}

/**
 * The first directory above `target` (an absolute path) that `user` cannot
 * enter, or null when every one is searchable by it. Directories that do not
 * exist yet are skipped: they are created searchable. Running as root, the
 * embedded PostgreSQL runs as another user: a checkout under a private home
 * (mode 700, like /root) hides its binaries and data from that user.
 */
export async function blockedParent(
  target: string,
  user: PostgresUser | undefined,
): Promise<BlockedDirectory | null> {
  const parents: string[] = [];
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    parents.push(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of parents.reverse()) {
    const info = await stat(dir).catch((error: unknown) => {
      if (errorCode(error) === "ENOENT") return null;
      throw error;
    });
    if (info === null) continue;
    const searchable =
      (info.mode & 0o001) !== 0 ||
      (user !== undefined && info.uid === user.uid && (info.mode & 0o100) !== 0) ||
      (user !== undefined && info.gid === user.gid && (info.mode & 0o010) !== 0);
    if (!searchable) return { dir, mode: info.mode & 0o777, uid: info.uid };
  }
  return null;
}
