import { processWide } from "./process-wide.js";
import { createTestDatabase, dropForgottenDatabases, type TestDatabase } from "./test-database.js";

/**
 * The run's shared database, one for the process: a file mocha loads with import() reaches a
 * second copy of this module, whose tests must use, and whose end must drop, the same one.
 */
const run = processWide("shared-database", (): { shared?: Promise<TestDatabase> } => ({}));

/**
 * The URL of one database shared by the whole mocha run, created on first use: store and
 * end-to-end tests need a real PostgreSQL, but starting or creating one per file would cost
 * more than the tests. Tests that share it must not depend on tables being empty.
 */
export function testDatabaseUrl(): Promise<string> {
  if (!run.shared) {
    const creating = createTestDatabase();
    run.shared = creating;
    // A failed start is retried by the next caller rather than remembered for the whole run.
    creating.catch(() => {
      if (run.shared === creating) run.shared = undefined;
    });
  }
  return run.shared.then((database) => database.url);
}

/**
 * Mocha root hooks (this file is listed under `require` in .mocharc.json): once every test
 * has run, the shared database and any a test forgot are dropped, so no run leaves a database
 * behind and no embedded server keeps mocha from exiting.
 */
export const mochaHooks = {
  async afterAll(): Promise<void> {
    const current = run.shared;
    run.shared = undefined;
    const database = await current?.catch(() => undefined);
    await database?.drop();
    for (const createdBy of await dropForgottenDatabases()) {
      console.warn(
        `a test database was left for the end of the run to drop; created\n${createdBy}`,
      );
    }
  },
};
