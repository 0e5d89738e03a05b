import { chown, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PostgresUser } from "./postgres-os-user.js";
import { errorCode } from "./system-error-code.js";

/**
 * The superuser's password is generated at initdb time and kept next to the data, because it
 * is needed again on every restart and nothing else remembers it.
 */
const PASSWORD_FILE = "pager-superuser-password";

/**
 * The password of an initialised data directory. Its absence means pager did not create the
 * directory (or its first start was interrupted), which is reported as such rather than as
 * a failed login later.
 */
export async function readPassword(dataDir: string, setting: string): Promise<string> {
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

/**
 * Keeps the password readable by its owner only; as root, that owner is the `postgres` user,
 * like every other file in the data directory.
 */
export async function writePassword(
  dataDir: string,
  password: string,
  serverUser: PostgresUser | undefined,
): Promise<void> {
  const file = path.join(dataDir, PASSWORD_FILE);
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  if (serverUser) await chown(file, serverUser.uid, serverUser.gid);
}
