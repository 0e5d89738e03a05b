import { randomBytes } from "node:crypto";
import { link, mkdir, open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";

/** Only the owner may read or write a file holding a secret. */
const OWNER_ONLY = 0o600;

/**
 * Reads a file of secrets, one per line; blank lines and lines starting with
 * "#" are skipped. Null when the file does not exist.
 */
export async function readSecretFile(file: string): Promise<string[] | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/**
 * Writes a secret to `file`, readable by the owner only (mode 0600), whole or
 * not at all: it goes to a temporary file first and is renamed into place,
 * so a crash never leaves a half-written secret behind.
 */
export async function writeSecretFile(file: string, secret: string): Promise<void> {
  await placeSecretFile(file, secret, (temporary) => rename(temporary, file));
}

/**
 * Creates `file` holding `secret` (mode 0600) unless it exists; true when
 * this call created it. Processes starting together on one machine agree on
 * one file: exactly one of them creates it (a hard link fails when the name
 * is taken), and the others read it, complete, never half written.
 */
export async function createSecretFileIfAbsent(file: string, secret: string): Promise<boolean> {
  let created = true;
  await placeSecretFile(file, secret, async (temporary) => {
    try {
      await link(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      created = false;
    }
  });
  return created;
}

/** Writes the secret to a temporary file next to `file` and lets `place` put it there. */
async function placeSecretFile(
  file: string,
  secret: string,
  place: (temporary: string) => Promise<void>,
): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(temporary, "wx", OWNER_ONLY);
  try {
    try {
      await handle.writeFile(`${secret}\n`, "utf8");
      await handle.chmod(OWNER_ONLY);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await place(temporary);
  } finally {
    await rm(temporary, { force: true });
  }
}
