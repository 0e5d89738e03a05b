import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedDatabase } from "../../src/platform/embedded-postgres/embedded-database.js";
import { processWide } from "./process-wide.js";

/** A database that belongs to one test run and nothing else. */
export interface TestDatabase {
  /** Connection URL for pg or TypeORM. */
  readonly url: string;
  /** Removes the database (and, when embedded, its server and files). Safe to call twice. */
  drop(): Promise<void>;
}

/**
 * Gives a test run a database of its own, so parallel runs, CI and a developer's leftovers
 * never see each other's rows or schema.
 *
 * With `DATABASE_URL` set, a fresh
 * `pager_test_<timestamp>_<random>` database is created on that server: no initdb, so it is
 * fast. Without it, an embedded PostgreSQL is started in a new temporary directory, so the
 * tests also run on a machine that has no PostgreSQL at all.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const createdBy = new Error().stack?.split("\n").slice(2, 5).join("\n") ?? "";
  const adminUrl = process.env.DATABASE_URL;
  const database = await (adminUrl ? createOnServer(adminUrl) : createEmbedded());
  undropped.set(database, createdBy);
  return {
    url: database.url,
    drop: () => {
      undropped.delete(database);
      return database.drop();
    },
  };
}

/**
 * Databases created and not dropped yet, with the call that created each: one list for the
 * process, whichever copy of this module made them (see {@link processWide}).
 */
const undropped = processWide("undropped-databases", () => new Map<TestDatabase, string>());

/**
 * Drops the databases a test forgot and returns where each was created. An
 * embedded server left running would keep mocha from exiting after the run.
 */
export async function dropForgottenDatabases(): Promise<string[]> {
  const forgotten = [...undropped];
  undropped.clear();
  await Promise.all(forgotten.map(([database]) => database.drop()));
  return forgotten.map(([, createdBy]) => createdBy);
}

async function createOnServer(adminUrl: string): Promise<TestDatabase> {
  const name = `pager_test_${Date.now()}_${randomBytes(4).toString("hex")}`;
  await withClient(adminUrl, (client) =>
    client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`),
  );
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropping: Promise<void> | undefined;
  return {
    url: url.toString(),
    drop: () => {
      dropping ??= withClient(adminUrl, async (client) => {
        // A pool the test forgot to close would otherwise make DROP DATABASE fail.
        await client.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity " +
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
          [name],
        );
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)}`);
      });
      return dropping;
    },
  };
}

async function createEmbedded(): Promise<TestDatabase> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "pager-test-"));
  // mkdtemp makes it 0700; the server runs as the `postgres` user when we are root.
  await chmod(dir, 0o755);
  try {
    const database = await startEmbeddedDatabase({ dataDir: path.join(dir, "data") });
    let dropping: Promise<void> | undefined;
    return {
      url: database.url,
      drop: () => {
        dropping ??= database.stop().then(() => rm(dir, { recursive: true, force: true }));
        return dropping;
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
