import { spawn } from "node:child_process";
import { once } from "node:events";
import { chmod, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { expect } from "chai";

const FIXTURE = "test/fixtures/loaded-by-import.ts";
const END_WITHIN_MS = 90_000;

/**
 * `npm test` without DATABASE_URL starts embedded PostgreSQL servers; a server left running
 * keeps mocha's process alive after the last test (and, killed, stays behind on the
 * machine). Mocha runs here in a process of its own, without `--exit`, on a file it loads
 * with import() while it loads the root hooks with require(): the run must end by itself,
 * every server stopped and its files removed.
 */
describe("a test run without DATABASE_URL ends by itself (real mocha, embedded PostgreSQL)", function () {
  this.timeout(END_WITHIN_MS + 30_000);
  let tmp: string;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "pager-run-end-"));
    // The servers' data goes in here; as root, they run as the `postgres` user.
    await chmod(tmp, 0o755);
  });
  after(async () => {
    if (tmp !== undefined) await rm(tmp, { recursive: true, force: true, maxRetries: 10 });
  });

  it("stops the shared database and a forgotten one of a file loaded with import()", async () => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => name !== "DATABASE_URL"),
    );
    // Its own process group, so a run that does not end is stopped with every server it started.
    const run = spawn(process.execPath, ["node_modules/mocha/bin/mocha.js", "--no-exit", FIXTURE], {
      env: { ...env, TMPDIR: tmp },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    run.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    run.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    const exited = once(run, "exit");
    // Unreferenced: the wait must not keep this run open once the other has ended.
    const ended = await Promise.race([exited, delay(END_WITHIN_MS, null, { ref: false })]);
    if (ended === null && run.pid !== undefined) {
      process.kill(-run.pid, "SIGINT");
      await exited;
    }
    expect(ended, `the run did not end within ${END_WITHIN_MS} ms:\n${output}`).to.not.equal(null);
    expect(ended?.[0], output).to.equal(0);
    expect(output).to.match(/1 passing/);
    expect(output).to.include("a test database was left for the end of the run to drop");
    const left = (await readdir(tmp)).filter((name) => name.startsWith("pager-test-"));
    expect(left, "data directories of servers still running or not removed").to.deep.equal([]);
  });
});
