import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import {
  type EmbeddedDatabaseLogger,
  startEmbeddedDatabase,
} from "../../src/platform/embedded-postgres/embedded-database.js";
import { testDatabaseUrl } from "../support/global-database.js";
import { createTestDatabase } from "../support/test-database.js";

const LOCAL_SERVER_URL = "postgres://postgres@127.0.0.1:5432/test";

interface LogEntry {
  level: "debug" | "info" | "warn";
  obj: Record<string, unknown>;
  msg: string | undefined;
}

function capturingLogger(): EmbeddedDatabaseLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return {
    entries,
    debug: (obj, msg) => entries.push({ level: "debug", obj: { ...obj }, msg }),
    info: (obj, msg) => entries.push({ level: "info", obj: { ...obj }, msg }),
    warn: (obj, msg) => entries.push({ level: "warn", obj: { ...obj }, msg }),
  };
}

async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const pid = spawnSync("true").pid;
  if (pid === undefined) throw new Error("could not spawn `true`");
  return pid;
}

describe("startEmbeddedDatabase", () => {
  let root: string;

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "pager-embedded-test-"));
    // The server runs as the `postgres` user when the tests run as root.
    await chmod(root, 0o755);
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("keeps its data across a stop and a start on the same directory", async () => {
    const dataDir = path.join(root, "restart", "data");
    const firstLog = capturingLogger();
    const first = await startEmbeddedDatabase({ dataDir, logger: firstLog });
    assert.match(first.url, /^postgres:\/\/postgres:[0-9a-f]+@127\.0\.0\.1:\d+\/pager$/);
    await query(first.url, "CREATE TABLE page (id int PRIMARY KEY, target text NOT NULL)");
    await query(first.url, "INSERT INTO page VALUES (1, 'oncall@example.com')");
    await first.stop();

    const secondLog = capturingLogger();
    const second = await startEmbeddedDatabase({ dataDir, logger: secondLog });
    try {
      const rows = await query<{ target: string }>(second.url, "SELECT target FROM page");
      assert.deepEqual(rows, [{ target: "oncall@example.com" }]);
    } finally {
      await second.stop();
    }

    const ready = (log: LogEntry[]) =>
      log.find((entry) => entry.msg === "embedded PostgreSQL ready");
    assert.equal(ready(firstLog.entries)?.obj.initialisedNow, true);
    assert.equal(ready(secondLog.entries)?.obj.initialisedNow, false);
    const serverLines = firstLog.entries.filter((entry) => entry.level === "debug");
    assert.ok(
      serverLines.some((entry) =>
        String(entry.obj.postgres).includes("ready to accept connections"),
      ),
      "the server's own log lines reach the logger at debug level",
    );
  });

  it("starts despite a stale postmaster.pid whose process is gone", async () => {
    const dataDir = path.join(root, "stale-pid", "data");
    const first = await startEmbeddedDatabase({ dataDir });
    await query(first.url, "CREATE TABLE survivor (id int)");
    await first.stop();
    const pid = deadPid();
    await writeFile(
      path.join(dataDir, "postmaster.pid"),
      `${pid}\n${dataDir}\n${Math.floor(Date.now() / 1000)}\n5432\n\n127.0.0.1\n  5432001    32768\nready   \n`,
    );

    const log = capturingLogger();
    const second = await startEmbeddedDatabase({ dataDir, logger: log });
    try {
      assert.deepEqual(await query(second.url, "SELECT * FROM survivor"), []);
      const warning = log.entries.find((entry) => entry.msg?.includes("stale postmaster.pid"));
      assert.equal(warning?.obj.stalePid, pid);
    } finally {
      await second.stop();
    }
  });

  it("starts when the pid in a leftover postmaster.pid now belongs to an unrelated process", async () => {
    // After a machine or container restart the old pid is often reused. PostgreSQL itself
    // then refuses to start ("Is another postmaster running?") if that process belongs to
    // the user the server runs as, so the unrelated process runs as that user here.
    const dataDir = path.join(root, "reused-pid", "data");
    const first = await startEmbeddedDatabase({ dataDir });
    await first.stop();
    const serverUser =
      process.getuid?.() === 0
        ? {
            uid: Number(spawnSync("id", ["-u", "postgres"]).stdout.toString()),
            gid: Number(spawnSync("id", ["-g", "postgres"]).stdout.toString()),
          }
        : {};
    const unrelated = spawn("sleep", ["60"], { ...serverUser, stdio: "ignore" });
    try {
      await writeFile(
        path.join(dataDir, "postmaster.pid"),
        `${unrelated.pid}\n${dataDir}\n${Math.floor(Date.now() / 1000)}\n5432\n\n127.0.0.1\n  5432001    32768\nready   \n`,
      );
      const second = await startEmbeddedDatabase({ dataDir });
      try {
        assert.equal(await reachable(second.url), true);
      } finally {
        await second.stop();
      }
      assert.equal(unrelated.exitCode, null, "the unrelated process was left alone");
    } finally {
      unrelated.kill();
    }
  });

  it("starts again after its server was killed with SIGKILL, and stop() of the dead one returns", async () => {
    const dataDir = path.join(root, "killed", "data");
    const first = await startEmbeddedDatabase({ dataDir });
    await query(first.url, "CREATE TABLE survivor (id int)");
    await query(first.url, "INSERT INTO survivor VALUES (7)");
    const postmasterPid = Number.parseInt(
      (await readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0] ?? "",
      10,
    );
    process.kill(postmasterPid, "SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 200));
    await first.stop();

    const second = await startEmbeddedDatabase({ dataDir });
    try {
      assert.deepEqual(await query(second.url, "SELECT id FROM survivor"), [{ id: 7 }]);
    } finally {
      await second.stop();
    }
  });

  it("refuses a data directory that a running server is using", async () => {
    const dataDir = path.join(root, "in-use", "data");
    const running = await startEmbeddedDatabase({ dataDir });
    try {
      await assert.rejects(startEmbeddedDatabase({ dataDir }), (error: Error) => {
        assert.match(error.message, /is in use by running process.*PAGER_DATA_DIR/s);
        return true;
      });
      // The refused start must not have disturbed the running server.
      assert.deepEqual(await query(running.url, "SELECT 1 AS one"), [{ one: 1 }]);
    } finally {
      await running.stop();
    }
  });

  it("treats stop() as idempotent, even when called concurrently", async () => {
    const database = await startEmbeddedDatabase({ dataDir: path.join(root, "stop", "data") });
    await Promise.all([database.stop(), database.stop()]);
    await database.stop();
    assert.equal(await reachable(database.url), false);
  });

  it("uses the port it is given", async () => {
    const dataDir = path.join(root, "fixed-port", "data");
    const probe = await startEmbeddedDatabase({ dataDir });
    const port = Number(new URL(probe.url).port);
    await probe.stop();
    const database = await startEmbeddedDatabase({ dataDir, port });
    try {
      assert.equal(new URL(database.url).port, String(port));
      assert.equal(await reachable(database.url), true);
    } finally {
      await database.stop();
    }
  });

  it("as root, names PAGER_DATA_DIR when the postgres user cannot reach the directory", async function () {
    if (process.getuid?.() !== 0) this.skip();
    const closed = path.join(root, "closed");
    await mkdir(closed, { mode: 0o700 });
    await chmod(closed, 0o700);
    await assert.rejects(
      startEmbeddedDatabase({ dataDir: path.join(closed, "data") }),
      (error: Error) => {
        assert.ok(error.message.includes(`cannot enter ${closed} `), error.message);
        assert.ok(error.message.includes("PAGER_DATA_DIR"), error.message);
        return true;
      },
    );
    assert.equal(await stat(path.join(closed, "data")).catch(() => undefined), undefined);
  });
});

describe("createTestDatabase", () => {
  let savedUrl: string | undefined;

  beforeEach(() => {
    savedUrl = process.env.DATABASE_URL;
  });

  afterEach(() => {
    if (savedUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = savedUrl;
  });

  it("with DATABASE_URL, creates a distinct database per call and drop() removes it", async function () {
    if (!(await reachable(LOCAL_SERVER_URL))) this.skip();
    process.env.DATABASE_URL = LOCAL_SERVER_URL;
    const one = await createTestDatabase();
    const two = await createTestDatabase();
    try {
      assert.notEqual(one.url, two.url);
      const nameOf = (url: string) => new URL(url).pathname.slice(1);
      assert.match(nameOf(one.url), /^pager_test_\d+_[0-9a-f]+$/);
      const [current] = await query<{ name: string }>(one.url, "SELECT current_database() AS name");
      assert.equal(current?.name, nameOf(one.url));

      // A connection left open must not stop drop().
      const straggler = new pg.Client({ connectionString: one.url });
      straggler.on("error", () => undefined);
      await straggler.connect();
      await one.drop();
      await one.drop();
      const left = await query(LOCAL_SERVER_URL, "SELECT 1 FROM pg_database WHERE datname = $1", [
        nameOf(one.url),
      ]);
      assert.deepEqual(left, []);
      await straggler.end().catch(() => undefined);
    } finally {
      await one.drop();
      await two.drop();
    }
    const leftTwo = await query(LOCAL_SERVER_URL, "SELECT 1 FROM pg_database WHERE datname = $1", [
      new URL(two.url).pathname.slice(1),
    ]);
    assert.deepEqual(leftTwo, []);
  });

  it("without DATABASE_URL, starts an embedded server and drop() stops it", async () => {
    delete process.env.DATABASE_URL;
    const database = await createTestDatabase();
    try {
      const [row] = await query<{ name: string }>(
        database.url,
        "SELECT current_database() AS name",
      );
      assert.equal(row?.name, "pager");
    } finally {
      await database.drop();
    }
    assert.equal(await reachable(database.url), false);
  });
});

describe("testDatabaseUrl", () => {
  it("hands every caller the same database for the whole run", async () => {
    const [first, second] = await Promise.all([testDatabaseUrl(), testDatabaseUrl()]);
    assert.equal(first, second);
    assert.equal(await reachable(first), true);
  });
});
