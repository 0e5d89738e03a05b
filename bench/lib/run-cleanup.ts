import type { BenchDatabase } from "./bench-database.js";
import type { ServerProcess } from "./server-process.js";

/** How the server and the bench database went away: any trouble here fails the run. */
export interface TearDown {
  /** How the server ended on its own before the bench stopped it; null if it did not. */
  readonly unexpectedExit: string | null;
  readonly exitCode: number | null;
  readonly dropError: unknown;
}

/** Stops the server (SIGTERM) and drops the bench database, whatever state the run left. */
export async function tearDown(server: ServerProcess | null, db: BenchDatabase): Promise<TearDown> {
  let exitCode: number | null = null;
  const unexpectedExit = server?.unexpectedExit() ?? null;
  if (server !== null) {
    exitCode = await server.stop();
  }
  let dropError: unknown = null;
  try {
    await db.drop();
  } catch (error) {
    dropError = error;
  }
  return { unexpectedExit, exitCode, dropError };
}

/**
 * Ctrl-C must not leave a server running or a database behind. Returns the
 * function that removes the handlers once the run has its own teardown.
 */
export function cleanUpOnInterrupt(
  db: BenchDatabase,
  server: () => ServerProcess | null,
): () => void {
  const interrupted = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping the server and dropping ${db.name}`);
    void (async () => {
      await server()
        ?.stop()
        .catch(() => null);
      await db.drop().catch(() => {});
      process.exit(130);
    })();
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  return () => {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
  };
}
