import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ApiKeyRole, ApiKeyService } from "../../gen/pager/v1/api_key_service_pb.js";
import { SECRET_PATTERN } from "../../src/platform/secrets/random-secret.js";
import { hashSecret } from "../../src/platform/secrets/secret-hash.js";
import { GrpcTestClient } from "../support/grpc-client.js";
import { LogRecorder } from "../support/log-recorder.js";
import { type PagerHarness, startPagerHarness } from "../support/pager-harness.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const keysApi = ApiKeyService.method;

/**
 * The keys a pager makes or registers for itself at start: the first admin
 * key (secret in a 0600 file), PAGER_ADMIN_KEY, and the timer-role key that
 * callbacks from a timer service carry. Each test has a database of its own,
 * empty as on a first start.
 */
describe("keys a pager makes for itself at start (real server, fresh database)", () => {
  let db: TestDatabase;
  let dir: string;
  const running: PagerHarness[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), "pager-keys-"));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((h) => h.stop()));
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  /** A pager on this test's database with `env`, its logs kept; no PAGER_ADMIN_KEY unless given. */
  async function start(env: Record<string, string>, logs = new LogRecorder()) {
    const h = await startPagerHarness(
      {
        PAGER_ADMIN_KEY: "",
        PAGER_TIMER_CALLBACK_KEY: "",
        PAGER_TIMER_WORKER: "off",
        PAGER_DISPATCHER: "off",
        ...env,
      },
      logs,
      { databaseUrl: db.url },
    );
    running.push(h);
    return { h, logs };
  }

  async function stop(h: PagerHarness) {
    running.splice(running.indexOf(h), 1);
    await h.stop();
  }

  async function keysAs(h: PagerHarness, secret: string) {
    const client = new GrpcTestClient(h.address, secret);
    try {
      return (await client.call(keysApi.listApiKeys, { pageSize: 1000 })).apiKeys;
    } finally {
      client.close();
    }
  }

  it("first start: an admin key whose secret is in a 0600 file, named in the start line, never logged; a second start adds none", async () => {
    const file = path.join(dir, "state", "admin-key");
    const { h, logs } = await start({ PAGER_ADMIN_KEY_FILE: file });
    const mode = (await stat(file)).mode & 0o777;
    expect(mode.toString(8)).to.equal("600");
    const secret = (await readFile(file, "utf8")).trim();
    expect(secret).to.match(SECRET_PATTERN);
    const [listening] = logs.withMessage("pager listening");
    expect(listening?.admin_key).to.equal(`created; its secret is in ${file} (mode 0600)`);
    expect(logs.raw.join("")).to.not.include(secret);
    const keys = await keysAs(h, secret);
    expect(keys.map((k) => [k.name, k.role])).to.deep.equal([["admin", ApiKeyRole.ADMIN]]);

    await stop(h);
    const again = await start({ PAGER_ADMIN_KEY_FILE: file });
    expect((await readFile(file, "utf8")).trim()).to.equal(secret);
    expect(await keysAs(again.h, secret)).to.have.length(1);
    expect(again.logs.withMessage("pager listening")[0]?.admin_key).to.equal(undefined);
  });

  it("replicas starting together on an empty database make one admin key between them", async () => {
    const files = [0, 1, 2].map((i) => path.join(dir, `replica-${i}`, "admin-key"));
    const replicas = await Promise.all(files.map((file) => start({ PAGER_ADMIN_KEY_FILE: file })));
    const written = await Promise.all(
      files.map((file) =>
        readFile(file, "utf8").then(
          (text) => text.trim(),
          () => null,
        ),
      ),
    );
    const secrets = written.filter((secret) => secret !== null);
    expect(secrets, "exactly one replica wrote a key file").to.have.length(1);
    const { rows } = (await replicas[0]?.h.db.query("SELECT role FROM api_keys")) ?? { rows: [] };
    expect(rows).to.deep.equal([{ role: "admin" }]);
    for (const { h } of replicas) expect(await keysAs(h, secrets[0] as string)).to.have.length(1);
  });

  it("PAGER_ADMIN_KEY: the operator's secret becomes an admin key, nothing is written, restarts reuse it", async () => {
    const file = path.join(dir, "admin-key");
    const secret = "0123456789abcdefghijklmnopqrstuv";
    const { h, logs } = await start({ PAGER_ADMIN_KEY: secret, PAGER_ADMIN_KEY_FILE: file });
    expect(await stat(file).catch(() => null), "no key file").to.equal(null);
    expect(logs.withMessage("pager listening")[0]?.admin_key).to.equal("PAGER_ADMIN_KEY");
    expect(logs.raw.join("")).to.not.include(secret);
    const keys = await keysAs(h, secret);
    expect(keys.map((k) => [k.name, k.role, k.secretSuffix])).to.deep.equal([
      ["admin (PAGER_ADMIN_KEY)", ApiKeyRole.ADMIN, "stuv"],
    ]);
    await stop(h);
    const again = await start({ PAGER_ADMIN_KEY: secret, PAGER_ADMIN_KEY_FILE: file });
    expect(await keysAs(again.h, secret)).to.have.length(1);
  });

  it("PAGER_ADMIN_KEY of a revoked key starts with a warning and stays refused; of a key of another role, refuses to start", async () => {
    const secret = "revoked0123456789abcdefghijklmno";
    const { h } = await start({ PAGER_ADMIN_KEY: secret });
    const [key] = await keysAs(h, secret);
    const client = new GrpcTestClient(h.address, secret);
    await client.call(keysApi.revokeApiKey, { apiKeyId: key?.id ?? "" });
    client.close();
    await stop(h);
    const again = await start({ PAGER_ADMIN_KEY: secret });
    const [warning] = again.logs.withMessage(
      "PAGER_ADMIN_KEY names a revoked or expired key and does not work; set a new secret to have an admin key again",
    );
    expect(warning?.level).to.equal(40);
    const refused = new GrpcTestClient(again.h.address, secret);
    expect((await refused.fail(keysApi.listApiKeys, {})).code).to.equal(16);
    refused.close();

    const callbackSecret = "timer0123456789abcdefghijklmnopq";
    await stop(again.h);
    await start({ PAGER_ADMIN_KEY: "", PAGER_TIMER_CALLBACK_KEY: callbackSecret });
    let failure: unknown;
    await start({ PAGER_ADMIN_KEY: callbackSecret }).catch((error: unknown) => {
      failure = error;
    });
    expect(String(failure)).to.match(
      /PAGER_ADMIN_KEY is the secret of the API key "timer callbacks", whose role is timer/,
    );
    expect(String(failure)).to.not.include(callbackSecret);
  });

  it("the timer callback key: kept in a 0600 file by a pager that relays timers, reused on restart, replaced once revoked", async () => {
    const file = path.join(dir, "timer-callback-key");
    const admin = "admin0123456789abcdefghijklmnopq";
    const external = {
      PAGER_ADMIN_KEY: admin,
      PAGER_TIMER_WORKER: "on",
      PAGER_TIMER_URL: "http://127.0.0.1:9",
      PAGER_TIMER_API_KEY: "9876543210abcdefghijklmnopqrstuv",
      PAGER_TIMER_CALLBACK_KEY_FILE: file,
    };
    const first = await start(external);
    expect(((await stat(file)).mode & 0o777).toString(8)).to.equal("600");
    const secret = (await readFile(file, "utf8")).trim();
    expect(first.logs.withMessage("pager listening")[0]?.timer_callback_key).to.equal(
      `created in ${file} (mode 0600)`,
    );
    const stored = await first.h.db.query<{ role: string; name: string }>(
      "SELECT role, name FROM api_keys WHERE secret_hash = $1",
      [hashSecret(secret)],
    );
    expect(stored.rows).to.deep.equal([{ role: "timer", name: "timer callbacks" }]);
    expect(first.logs.raw.join("")).to.not.include(secret);
    await stop(first.h);

    const second = await start(external);
    expect((await readFile(file, "utf8")).trim()).to.equal(secret);
    expect(second.logs.withMessage("pager listening")[0]?.timer_callback_key).to.equal(
      `kept in ${file} (mode 0600)`,
    );
    await second.h.db.query("UPDATE api_keys SET revoke_time = now() WHERE secret_hash = $1", [
      hashSecret(secret),
    ]);
    await stop(second.h);
    await start(external);
    const replaced = (await readFile(file, "utf8")).trim();
    expect(replaced).to.match(SECRET_PATTERN).and.not.equal(secret);
  });
});
