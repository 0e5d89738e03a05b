import { execFile } from "node:child_process";
import net from "node:net";
import { promisify } from "node:util";
import { expect } from "chai";
import { portInUseMessage } from "../../src/platform/program/port-in-use.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { testPagerEnv } from "../support/test-keys.js";

const run = promisify(execFile);

/** A real listener on a free loopback port, as another program holding the port would be. */
async function occupyPort(): Promise<net.Server> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

describe("a start whose port is taken names the setting to change", () => {
  let db: TestDatabase;
  let taken: net.Server;
  const port = () => (taken.address() as net.AddressInfo).port;

  before(async () => {
    db = await createTestDatabase();
    taken = await occupyPort();
  });
  after(async () => {
    await new Promise((resolve) => taken?.close(resolve));
    await db?.drop();
  });

  it("the pager exits with code 1, says which address is taken and to set PAGER_PORT, and warns of nothing else", async function () {
    this.timeout(60_000);
    const inherited = Object.entries(process.env).filter(
      ([name]) => !name.startsWith("PAGER_") && !name.startsWith("TIMER_"),
    );
    const env = {
      ...Object.fromEntries(inherited),
      ...testPagerEnv(),
      DATABASE_URL: db.url,
      PAGER_LOG_LEVEL: "warn",
      PAGER_HOST: "127.0.0.1",
      PAGER_PORT: String(port()),
    };
    const failure = await run(process.execPath, ["--import", "tsx", "test/support/pager-main.ts"], {
      env,
      timeout: 50_000,
    }).then(
      () => null,
      (error: { code?: unknown; stdout?: string; stderr?: string }) => error,
    );
    expect(failure?.code, "exit code").to.equal(1);
    // Nothing else is logged: no health probe runs before the port is bound.
    expect(failure?.stdout, "warnings and errors logged").to.equal("");
    expect(failure?.stderr?.trim()).to.equal(
      `127.0.0.1:${port()} is already in use, probably by another pager still running: stop it, or set PAGER_PORT to a free port`,
    );
  });

  it("names the metrics port's setting when that is the port taken", async () => {
    const error = await new Promise<unknown>((resolve) => {
      const second = net.createServer();
      second.once("error", resolve);
      second.listen(port(), "127.0.0.1", () => second.close(() => resolve(null)));
    });
    expect(portInUseMessage(error, "timer", { port: 50052, metricsPort: port() })).to.equal(
      `127.0.0.1:${port()} is already in use, probably by another timer still running: stop it, or set TIMER_METRICS_PORT to a free port`,
    );
    expect(portInUseMessage(new Error("listen EACCES"), "timer", { port: 1, metricsPort: null })).to
      .be.null;
  });
});
