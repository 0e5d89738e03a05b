import { createHash } from "node:crypto";
import path from "node:path";

/**
 * Where a root-run embedded PostgreSQL keeps its data when the directory it
 * was given by default lies where the `postgres` OS user cannot go (a
 * checkout under /root): one directory per program and checkout, so two
 * checkouts on one machine never share a database.
 */
export const SHARED_DATA_ROOT = "/var/lib/pager";

/** Where the PostgreSQL binaries are copied for the `postgres` OS user, one directory per version. */
export const SHARED_CACHE_ROOT = "/var/cache/pager";

/** The data directory that stands in for `dataDir` (absolute) of `program`. */
export function sharedDataDir(program: string, dataDir: string): string {
  const checkout = createHash("sha256").update(dataDir).digest("hex").slice(0, 12);
  return path.join(SHARED_DATA_ROOT, `${program}-${checkout}`, "postgres");
}
