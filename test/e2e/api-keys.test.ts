import { createHash } from "node:crypto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, createClient } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { ErrorInfoSchema, RetryInfoSchema } from "../../gen/google/rpc/error_details_pb.js";
import { ApiKeyRole, ApiKeyService } from "../../gen/pager/v1/api_key_service_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { SECRET_PATTERN } from "../../src/platform/secrets/random-secret.js";
import { connectOutcome, connectTransport, createKey } from "../support/api-keys.js";
import { GrpcTestClient } from "../support/grpc-client.js";
import { mapConcurrently } from "../support/map-concurrently.js";
import { uniqueName } from "../support/pager-fixtures.js";
import { eventually, type PagerHarness, startPagerHarness } from "../support/pager-harness.js";

const keysApi = ApiKeyService.method;
const UNKNOWN_ID = "0190b6c4-0000-7000-8000-00000000dead";

describe("API keys (real server, real PostgreSQL)", () => {
  let h: PagerHarness;

  before(async () => {
    h = await startPagerHarness({ PAGER_TIMER_WORKER: "off", PAGER_API_KEY_CACHE_TTL_MS: "1000" });
  });
  after(async () => {
    await h?.stop();
  });

  /** A grpc-js client presenting `secret`, closed after `work`. */
  async function as<T>(secret: string, work: (client: GrpcTestClient) => Promise<T>): Promise<T> {
    const client = new GrpcTestClient(h.address, secret);
    try {
      return await work(client);
    } finally {
      client.close();
    }
  }

  it("CreateApiKey shows the secret once; Get, List and GetCurrentApiKey never show it", async () => {
    const name = uniqueName("alertmanager");
    const { apiKey, secret } = await h.client.call(keysApi.createApiKey, {
      name,
      role: ApiKeyRole.VIEWER,
      rateLimit: { requestsPerSecond: 50, burst: 0 },
    });
    expect(secret).to.match(SECRET_PATTERN);
    expect(apiKey).to.include({ name, role: ApiKeyRole.VIEWER, secretSuffix: secret.slice(-4) });
    expect(apiKey?.rateLimit).to.include({ requestsPerSecond: 50, burst: 50 });
    expect(apiKey?.revokeTime).to.equal(undefined);
    const id = apiKey?.id ?? "";
    const { apiKey: read } = await h.client.call(keysApi.getApiKey, { apiKeyId: id });
    expect(read).to.deep.include({ id, name, secretSuffix: secret.slice(-4) });
    const current = await as(secret, (client) => client.call(keysApi.getCurrentApiKey, {}));
    expect(current.apiKey).to.include({ id, role: ApiKeyRole.VIEWER });
    const listed = await h.client.call(keysApi.listApiKeys, { pageSize: 1000 });
    expect(listed.apiKeys.map((key) => key.id)).to.include(id);
    const wire = JSON.stringify([read, current, listed], (_, v) =>
      typeof v === "bigint" ? String(v) : v,
    );
    expect(wire).to.not.include(secret);
    expect(wire).to.not.include(secret.slice(0, 28));
  });

  it("keys are not recoverable from the database: only a SHA-256 of the secret is stored", async () => {
    const key = await createKey(h.client, ApiKeyRole.RESPONDER);
    const { rows } = await h.db.query<{ row: string; secret_hash: string }>(
      "SELECT row_to_json(k)::text AS row, secret_hash FROM api_keys k WHERE id = $1",
      [key.id],
    );
    expect(rows).to.have.length(1);
    expect(rows[0]?.secret_hash).to.equal(createHash("sha256").update(key.secret).digest("hex"));
    const tables = await h.db.query<{ name: string }>(
      "SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    for (const { name } of tables.rows) {
      const { rows: found } = await h.db.query(
        `SELECT 1 FROM ${name} t WHERE t::text LIKE '%' || $1 || '%' LIMIT 1`,
        [key.secret.slice(0, 28)],
      );
      expect(found, `a readable form of the secret in ${name}`).to.deep.equal([]);
    }
  });

  it("refuses what it cannot make: a taken live name, a binding to no service or to a non-integration key", async () => {
    const name = uniqueName("dup");
    const first = await createKey(h.client, ApiKeyRole.VIEWER, { name });
    const taken = await h.client.fail(keysApi.createApiKey, { name, role: ApiKeyRole.VIEWER });
    expect(taken.code).to.equal(grpc.status.ALREADY_EXISTS);
    expect(taken.details).to.match(/^name: /);
    await h.client.call(keysApi.revokeApiKey, { apiKeyId: first.id });
    await createKey(h.client, ApiKeyRole.VIEWER, { name });
    const noService = await h.client.fail(keysApi.createApiKey, {
      name: uniqueName("x"),
      role: ApiKeyRole.INTEGRATION,
      monitoredServiceId: UNKNOWN_ID,
    });
    expect(noService.code).to.equal(grpc.status.NOT_FOUND);
    expect(noService.details).to.include("monitored_service_id");
    const notIntegration = await h.client.fail(keysApi.createApiKey, {
      name: uniqueName("x"),
      role: ApiKeyRole.RESPONDER,
      monitoredServiceId: UNKNOWN_ID,
    });
    expect(notIntegration.code).to.equal(grpc.status.INVALID_ARGUMENT);
    const noRole = await h.client.fail(keysApi.createApiKey, { name: uniqueName("x") });
    expect(noRole.code).to.equal(grpc.status.INVALID_ARGUMENT);
    expect(noRole.details).to.match(/^role: /);
    const unknown = await h.client.fail(keysApi.revokeApiKey, { apiKeyId: UNKNOWN_ID });
    expect(unknown.code).to.equal(grpc.status.NOT_FOUND);
  });

  it("revocation: refused at once here, keeps its first time, and stays listed", async () => {
    const key = await createKey(h.client, ApiKeyRole.VIEWER);
    await as(key.secret, (client) => client.call(PagerService.method.listAlerts, {}));
    const { apiKey: revoked } = await h.client.call(keysApi.revokeApiKey, { apiKeyId: key.id });
    const refused = await as(key.secret, (client) =>
      client.fail(PagerService.method.listAlerts, {}),
    );
    expect(refused.code).to.equal(grpc.status.UNAUTHENTICATED);
    const { apiKey: again } = await h.client.call(keysApi.revokeApiKey, { apiKeyId: key.id });
    expect(again?.revokeTime).to.deep.equal(revoked?.revokeTime);
    const { apiKeys } = await h.client.call(keysApi.listApiKeys, { pageSize: 1000 });
    expect(apiKeys.find((k) => k.id === key.id)?.revokeTime).to.deep.equal(revoked?.revokeTime);
  });

  it("revocation reaches another replica within its key cache TTL (PAGER_API_KEY_CACHE_TTL_MS)", async () => {
    const other = await startPagerHarness({
      PAGER_TIMER_WORKER: "off",
      PAGER_DISPATCHER: "off",
      PAGER_API_KEY_CACHE_TTL_MS: "1000",
    });
    try {
      const key = await createKey(h.client, ApiKeyRole.VIEWER);
      const elsewhere = new GrpcTestClient(other.address, key.secret);
      try {
        await elsewhere.call(PagerService.method.listAlerts, {});
        await h.client.call(keysApi.revokeApiKey, { apiKeyId: key.id });
        const revokedAt = Date.now();
        const refused = await eventually(
          () => elsewhere.fail(PagerService.method.listAlerts, {}),
          5000,
        );
        expect(refused.code).to.equal(grpc.status.UNAUTHENTICATED);
        expect(Date.now() - revokedAt, "ms until the other replica refused").to.be.below(2500);
      } finally {
        elsewhere.close();
      }
    } finally {
      await other.stop();
    }
  });

  it("last use is recorded, at most about once a minute: authentication is not a write per call", async () => {
    const key = await createKey(h.client, ApiKeyRole.VIEWER);
    const lastUse = async () => {
      const { rows } = await h.db.query<{ last_use_time: Date | null }>(
        "SELECT last_use_time FROM api_keys WHERE id = $1",
        [key.id],
      );
      return rows[0]?.last_use_time ?? null;
    };
    expect(await lastUse()).to.equal(null);
    await as(key.secret, (client) => client.call(PagerService.method.listAlerts, {}));
    const first = await eventually(async () => {
      const time = await lastUse();
      expect(time).to.not.equal(null);
      return time as Date;
    });
    await as(key.secret, async (client) => {
      for (let i = 0; i < 20; i++) await client.call(PagerService.method.listAlerts, {});
    });
    h.clock.advance(30_000);
    await as(key.secret, (client) => client.call(PagerService.method.listAlerts, {}));
    expect((await lastUse())?.getTime(), "unchanged within the minute").to.equal(first.getTime());
    h.clock.advance(31_000);
    await as(key.secret, (client) => client.call(PagerService.method.listAlerts, {}));
    await eventually(async () => {
      expect((await lastUse())?.getTime()).to.be.above(first.getTime() + 60_000);
    });
    const { apiKey } = await h.client.call(keysApi.getApiKey, { apiKeyId: key.id });
    expect(timestampMs(apiKey?.lastUseTime ?? ({ seconds: 0n, nanos: 0 } as never))).to.be.above(
      first.getTime(),
    );
  });

  it("a key over its rate limit gets RESOURCE_EXHAUSTED with a RetryInfo; other keys go on", async () => {
    const limited = await createKey(h.client, ApiKeyRole.VIEWER, {
      rateLimit: { requestsPerSecond: 1, burst: 2 } as never,
    });
    const client = createClient(
      PagerService,
      connectTransport(`http://${h.address}`, limited.secret),
    );
    await client.listAlerts({});
    await client.listAlerts({});
    const refused = await connectOutcome(() => client.listAlerts({}));
    expect(refused.code).to.equal(Code.ResourceExhausted);
    expect(refused.message).to.match(
      /may make 1 calls per second \(bursts of 2\); retry after \d+ ms/,
    );
    const [retry] = refused.error?.findDetails(RetryInfoSchema) ?? [];
    const delayMs =
      Number(retry?.retryDelay?.seconds ?? 0n) * 1000 + (retry?.retryDelay?.nanos ?? 0) / 1e6;
    expect(delayMs).to.be.within(1, 1000);
    const [info] = refused.error?.findDetails(ErrorInfoSchema) ?? [];
    expect(info?.reason).to.equal("RATE_LIMITED");
    const grpcRefused = await as(limited.secret, (c) => c.fail(PagerService.method.listAlerts, {}));
    expect(grpcRefused.code).to.equal(grpc.status.RESOURCE_EXHAUSTED);
    await h.client.call(PagerService.method.listAlerts, {});
    h.clock.advance(delayMs);
    await client.listAlerts({});
  });

  it("a storm-sized burst through one key at the default limit is not throttled", async function () {
    // On a busy machine 10,000 calls take a while; the arithmetic at full speed is in
    // test/unit/token-bucket.test.ts.
    this.timeout(180_000);
    // 10,000 SendAlerts through one integration key, as fast as the server takes them. Each
    // names no service, so the handler refuses it before any database work: the calls cost
    // the gate (authentication, role, rate limit) and little else, and none may be throttled.
    const storm = await createKey(h.client, ApiKeyRole.INTEGRATION);
    const codes = new Map<number, number>();
    const clients = Array.from({ length: 4 }, () => new GrpcTestClient(h.address, storm.secret));
    const started = Date.now();
    try {
      await mapConcurrently(
        Array.from({ length: 10_000 }, (_, i) => i),
        100,
        async (i) => {
          const client = clients[i % clients.length] as GrpcTestClient;
          const code = await client
            .call(PagerService.method.sendAlert, { monitoredServiceId: "", message: "storm" })
            .then(
              () => 0,
              (error: grpc.ServiceError) => error.code,
            );
          codes.set(code, (codes.get(code) ?? 0) + 1);
        },
      );
    } finally {
      for (const client of clients) client.close();
    }
    expect(Object.fromEntries(codes), `in ${Date.now() - started} ms`).to.deep.equal({
      [grpc.status.INVALID_ARGUMENT]: 10_000,
    });
  });
});
