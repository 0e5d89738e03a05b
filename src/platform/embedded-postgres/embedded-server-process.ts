import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { interruptOnProcessExit } from "./embedded-postgres-exit-hooks.js";

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const PORT_ATTEMPTS = 3;

/** A server being started: its process, and when it accepts connections. */
export interface StartingServer {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
}

/**
 * Starts the server; without a fixed port, retries on another free port if one was taken
 * (between finding a free port and binding it, another process may take it). A failure
 * names the port, the data directory, the server's pid and whether it still ran, and the
 * output it wrote while starting, which say why. That output is taken before a server that
 * still runs is stopped, so its own shutdown lines cannot push the reason out.
 */
export async function startOnSomePort(
  start: (port: number) => StartingServer,
  fixedPort: number | undefined,
  dataDir: string,
  recent: string[],
  startTimeoutMs = START_TIMEOUT_MS,
): Promise<{ child: ChildProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await findFreePort());
    recent.length = 0;
    let child: ChildProcess | undefined;
    try {
      const starting = start(port);
      child = starting.child;
      await withTimeout(starting.ready, startTimeoutMs);
      interruptOnProcessExit(child);
      return { child, port };
    } catch (error) {
      const startOutput = recent.slice();
      const state = child === undefined ? "" : ` (server pid ${child.pid}, ${processState(child)})`;
      if (child !== undefined) await stopServer(child);
      const portTaken = startOutput.some((line) => line.includes("Address already in use"));
      if (portTaken && fixedPort === undefined && attempt < PORT_ATTEMPTS) continue;
      const detail = error instanceof Error ? `${error.message}${state}\n` : "";
      throw new Error(
        `embedded PostgreSQL did not start on 127.0.0.1:${port} with data directory ${dataDir}.\n` +
          `${detail}Its output while starting:\n${startOutput.join("\n")}`,
      );
    }
  }
}

function processState(child: ChildProcess): string {
  if (child.exitCode !== null) return `exited with ${child.exitCode}`;
  if (child.signalCode !== null) return `killed by ${child.signalCode}`;
  return "still running, stopped now";
}

/**
 * Fast shutdown (SIGINT); falls back to immediate shutdown (SIGQUIT) if it takes too long, so
 * the service's own shutdown never hangs on the database. Returns at once if it already exited.
 */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  const timer = setTimeout(() => child.kill("SIGQUIT"), STOP_TIMEOUT_MS);
  try {
    child.kill("SIGINT");
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

async function withTimeout(ready: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
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
