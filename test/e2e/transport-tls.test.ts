import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { type Client, Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { Health, HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { ApiKeyRole, ApiKeyService } from "../../gen/pager/v1/api_key_service_pb.js";
import { GrpcTestClient } from "../support/grpc-client.js";
import { eventually, type PagerHarness, startPagerHarness } from "../support/pager-harness.js";
import { makeTestCertificates, type TestCertificates } from "../support/test-certificates.js";
import { TEST_KEYS } from "../support/test-keys.js";
import { TimerSystem } from "../support/timer-system.js";

const ADMIN = { authorization: `Bearer ${TEST_KEYS.admin}` };

/**
 * TLS on the one port, with certificates made by `openssl` as the README
 * shows: gRPC (grpc-js and Connect), gRPC-Web and Connect all get through
 * with the test CA; a cleartext client does not; with a client CA, only
 * clients holding a certificate it signed do; and the pager and the timer
 * service escalate an alert over mutual TLS in both directions.
 */
describe("transport: TLS and mutual TLS", function () {
  this.timeout(60_000);
  let certs: TestCertificates;

  before(() => {
    certs = makeTestCertificates();
  });
  after(() => {
    certs?.remove();
  });

  /** Whoever calls `address` with these credentials: which key it is, or the gRPC code it got. */
  async function whoAmI(address: string, credentials: grpc.ChannelCredentials) {
    const client = new GrpcTestClient(address, TEST_KEYS.admin, credentials);
    try {
      const { apiKey } = await client.call(ApiKeyService.method.getCurrentApiKey, {});
      return apiKey?.role;
    } catch (error) {
      return grpc.status[(error as grpc.ServiceError).code];
    } finally {
      client.close();
    }
  }

  describe("a pager with PAGER_TLS_CERT and PAGER_TLS_KEY", () => {
    let harness: PagerHarness;
    let baseUrl: string;

    before(async () => {
      harness = await startPagerHarness({
        PAGER_TLS_CERT: certs.server.certPath,
        PAGER_TLS_KEY: certs.server.keyPath,
      });
      baseUrl = `https://${harness.address}`;
    });
    after(async () => {
      await harness?.stop();
    });

    it("answers a grpc-js client that trusts the test CA", async () => {
      const role = await whoAmI(harness.address, grpc.credentials.createSsl(certs.ca.cert));
      expect(role).to.equal(ApiKeyRole.ADMIN);
    });

    it("refuses a cleartext grpc-js client: it never gets an answer", async () => {
      const code = await whoAmI(harness.address, grpc.credentials.createInsecure());
      expect(code).to.equal("UNAVAILABLE");
    });

    it("refuses a grpc-js client that does not trust the server's CA", async () => {
      const code = await whoAmI(harness.address, grpc.credentials.createSsl());
      expect(code).to.equal("UNAVAILABLE");
    });

    const transports: Record<string, (baseUrl: string, ca: Buffer) => Transport> = {
      "Connect gRPC over HTTP/2 (ALPN h2)": (url, ca) =>
        createGrpcTransport({ baseUrl: url, nodeOptions: { ca } }),
      "Connect protocol over HTTP/1.1 (ALPN http/1.1)": (url, ca) =>
        createConnectTransport({ baseUrl: url, httpVersion: "1.1", nodeOptions: { ca } }),
      "gRPC-Web over HTTP/1.1": (url, ca) =>
        createGrpcWebTransport({ baseUrl: url, httpVersion: "1.1", nodeOptions: { ca } }),
      "Connect protocol over HTTP/2": (url, ca) =>
        createConnectTransport({ baseUrl: url, httpVersion: "2", nodeOptions: { ca } }),
    };
    for (const [name, transport] of Object.entries(transports)) {
      it(`answers ${name}, health and a keyed call`, async () => {
        const t = transport(baseUrl, certs.ca.cert);
        const health: Client<typeof Health> = createClient(Health, t);
        expect((await health.check({ service: "" })).status).to.equal(
          HealthCheckResponse_ServingStatus.SERVING,
        );
        const keys = createClient(ApiKeyService, t);
        const { apiKey } = await keys.getCurrentApiKey({}, { headers: ADMIN });
        expect(apiKey?.role).to.equal(ApiKeyRole.ADMIN);
      });
    }

    it("refuses a Connect client speaking cleartext: the port hangs up on it", async () => {
      const health = createClient(
        Health,
        createConnectTransport({ baseUrl: `http://${harness.address}`, httpVersion: "1.1" }),
      );
      const error = await health.check({ service: "" }).then(
        () => null,
        (e: unknown) => ConnectError.from(e),
      );
      // The TLS side hangs up on bytes that are no handshake.
      expect(error?.code).to.be.oneOf([Code.Aborted, Code.Unavailable]);
    });
  });

  describe("a pager with PAGER_TLS_CLIENT_CA as well (mutual TLS)", () => {
    let harness: PagerHarness;

    before(async () => {
      harness = await startPagerHarness({
        PAGER_TLS_CERT: certs.server.certPath,
        PAGER_TLS_KEY: certs.server.keyPath,
        PAGER_TLS_CLIENT_CA: certs.ca.certPath,
      });
    });
    after(async () => {
      await harness?.stop();
    });

    it("answers a grpc-js client presenting a certificate the CA signed", async () => {
      const { ca, client } = certs;
      const role = await whoAmI(
        harness.address,
        grpc.credentials.createSsl(ca.cert, client.key, client.cert),
      );
      expect(role).to.equal(ApiKeyRole.ADMIN);
    });

    it("answers a Connect client presenting that certificate", async () => {
      const { ca, client } = certs;
      const keys = createClient(
        ApiKeyService,
        createGrpcTransport({
          baseUrl: `https://${harness.address}`,
          nodeOptions: { ca: ca.cert, cert: client.cert, key: client.key },
        }),
      );
      const { apiKey } = await keys.getCurrentApiKey({}, { headers: ADMIN });
      expect(apiKey?.role).to.equal(ApiKeyRole.ADMIN);
    });

    it("refuses a client without a certificate in the handshake: health does not answer it either", async () => {
      const code = await whoAmI(harness.address, grpc.credentials.createSsl(certs.ca.cert));
      expect(code).to.equal("UNAVAILABLE");
      const health = createClient(
        Health,
        createConnectTransport({
          baseUrl: `https://${harness.address}`,
          httpVersion: "1.1",
          nodeOptions: { ca: certs.ca.cert },
        }),
      );
      const error = await health.check({ service: "" }).then(
        () => null,
        (e: unknown) => ConnectError.from(e),
      );
      expect(error?.rawMessage).to.contain("certificate required");
    });

    it("answers buf curl and curl called as the README shows, with the client certificate", async () => {
      const { ca, client } = certs;
      const url = `https://localhost:${harness.pager.port}/pager.v1.ApiKeyService/GetCurrentApiKey`;
      const tlsFlags = [
        "--cacert",
        ca.certPath,
        "--cert",
        client.certPath,
        "--key",
        client.keyPath,
      ];
      const key = ["-H", `authorization: Bearer ${TEST_KEYS.admin}`, "--data", "{}"];
      const buf = await run("node_modules/.bin/buf", [
        "curl",
        "--protocol",
        "grpc",
        ...tlsFlags,
        ...key,
        url,
      ]);
      expect(JSON.parse(buf).apiKey.role).to.equal("API_KEY_ROLE_ADMIN");
      const json = ["-H", "content-type: application/json"];
      const curl = await run("curl", [
        "-sS",
        "--fail-with-body",
        ...tlsFlags,
        ...json,
        ...key,
        url,
      ]);
      expect(JSON.parse(curl).apiKey.role).to.equal("API_KEY_ROLE_ADMIN");
    });

    it("refuses a client whose certificate another CA signed", async () => {
      const { ca, strangerClient } = certs;
      const code = await whoAmI(
        harness.address,
        grpc.credentials.createSsl(ca.cert, strangerClient.key, strangerClient.cert),
      );
      expect(code).to.equal("UNAVAILABLE");
    });
  });

  describe("pager and timer service, both on mutual TLS, calling each other", () => {
    let sys: TimerSystem;

    before(async () => {
      // Connections idle between calls are closed: each call may have to reconnect over TLS.
      const idle = "300";
      sys = await TimerSystem.create({
        tls: certs,
        pagerEnv: { PAGER_IDLE_TIMEOUT_MS: idle },
        timerEnv: { TIMER_IDLE_TIMEOUT_MS: idle },
      });
      await Promise.all([sys.startTimer(), sys.startPager()]);
    });
    after(async () => {
      await sys?.stop();
    });

    it("escalates an alert: the timer is set over TLS and its callback comes back over TLS", async () => {
      const alertId = await sys.alert(await sys.serviceWithDelays([1, 1, 1]));
      await eventually(async () => {
        expect(await sys.pagedLevels(alertId)).to.deep.equal([0, 1, 2]);
      }, 15_000);
      // Level 1 was paged by a callback the timer service delivered straight to the pager.
      await eventually(async () => {
        const { rows } = await sys.sql.query<{ attempts: number }>(
          "SELECT attempts FROM timer.timers WHERE endpoint = $1 AND state = 'fired'",
          [sys.pagerEndpoint],
        );
        // Levels 0 and 1 at least (the last level's timer may have fired too), each at the first try.
        expect(rows).to.have.length.of.at.least(2);
        expect(rows.every((row) => row.attempts === 1)).to.equal(true);
      });
    });
  });
});

/** Runs a command line client; async, because the server lives in this process. */
async function run(file: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(file, args, { timeout: 20_000 });
  return stdout;
}
