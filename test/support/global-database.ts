import { createTestDatabase, dropForgottenDatabases, type TestDatabase } from "./test-database.js";

let shared: Promise<TestDatabase> | undefined;

/**
 * The URL of one database shared by the whole mocha run, created on first use: store and
 * end-to-end tests need a real PostgreSQL, but starting or creating one per file would cost
 * more than the tests. Tests that share it must not depend on tables being empty.
 */
export function testDatabaseUrl(): Promise<string> {
  if (!shared) {
    const creating = createTestDatabase();
    shared = creating;
    // A failed start is retried by the next caller rather than remembered for the whole run.
    creating.catch(() => {
      if (shared === creating) shared = undefined;
    });
  }
  return shared.then((database) => database.url);
}

/**
 * Mocha root hooks (this file is listed under `require` in .mocharc.json): the shared
 * database is dropped once every test has run, so no run leaves a database behind.
 */
export const mochaHooks = {
  async afterAll(): Promise<void> {
    const current = shared;
    shared = undefined;
    if (!current) return;
    const database = await current.catch(() => undefined);
    await database?.drop();
    for (const createdBy of await dropForgottenDatabases()) {
      console.warn(
        `a test database was left for the end of the run to drop; created\n${createdBy}`,
      );
    }
  },
};
