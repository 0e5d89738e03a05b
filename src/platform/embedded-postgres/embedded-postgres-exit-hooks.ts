import type { ChildProcess } from "node:child_process";

/** Servers of this process still running, sent SIGINT if the process exits without stop(). */
const runningServers = new Set<ChildProcess>();
let hooked = false;

/**
 * If the process exits while `child` still runs (nobody called stop()), the server is sent
 * SIGINT on `exit` and shuts down by itself. Nothing is installed on SIGINT/SIGTERM: those
 * belong to the service's own graceful shutdown, which stops the server in its turn.
 */
export function interruptOnProcessExit(child: ChildProcess): void {
  if (!hooked) {
    hooked = true;
    process.on("exit", () => {
      for (const server of runningServers) server.kill("SIGINT");
    });
  }
  runningServers.add(child);
  child.once("exit", () => runningServers.delete(child));
}
