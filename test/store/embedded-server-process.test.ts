import { spawn } from "node:child_process";
import { expect } from "chai";
import { relayServerOutput } from "../../src/platform/embedded-postgres/embedded-server-log.js";
import {
  type StartingServer,
  startOnSomePort,
} from "../../src/platform/embedded-postgres/embedded-server-process.js";

/**
 * A process that talks like a postmaster that started but whose readiness was never seen:
 * start-up lines, then, on SIGINT, shutdown lines of its own before it exits.
 */
const NEVER_READY = `
process.stderr.write("LOG:  starting PostgreSQL\\nLOG:  listening on IPv4 address \\"127.0.0.1\\"\\n");
process.on("SIGINT", () => {
  process.stderr.write("FATAL:  terminating connection due to administrator command\\n");
  process.stderr.write("LOG:  database system is shut down\\n", () => process.exit(0));
});
setInterval(() => undefined, 1000);
`;

describe("startOnSomePort when the server is not ready in time", () => {
  it("names the server that still ran and shows what it wrote while starting, not its shutdown", async () => {
    const recent: string[] = [];
    let pid: number | undefined;
    const start = (): StartingServer => {
      const child = spawn(process.execPath, ["-e", NEVER_READY], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      pid = child.pid;
      child.stderr?.on("data", (chunk: Buffer) =>
        relayServerOutput(chunk.toString("utf8"), recent, undefined),
      );
      return { child, ready: new Promise<void>(() => undefined) };
    };
    // Long enough for the child to have written its start-up lines.
    const error = await startOnSomePort(start, 45_678, "/data", recent, 1500).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(error).to.be.instanceOf(Error);
    const message = (error as Error).message;
    expect(message).to.contain("did not start on 127.0.0.1:45678 with data directory /data");
    expect(message).to.contain(
      `not ready after 1500 ms (server pid ${pid}, still running, stopped now)`,
    );
    expect(message).to.contain("LOG:  starting PostgreSQL");
    expect(message).to.contain("listening on IPv4 address");
    expect(message, "its own shutdown is not what explains the failed start").not.to.contain(
      "shut down",
    );
    expect(recent.join("\n"), "and it was stopped").to.contain("database system is shut down");
  });
});
