import * as http from "node:http";
import { Code, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { Health } from "../../gen/grpc/health/v1/health_pb.js";
import { ApiKeyService } from "../../gen/pager/v1/api_key_service_pb.js";
import { EscalationPolicyService } from "../../gen/pager/v1/escalation_policy_pb.js";
import { connectOutcome } from "../support/api-keys.js";
import { grpcUnary } from "../support/grpc-unary.js";
import { uniqueName } from "../support/pager-fixtures.js";
import { type PagerHarness, startPagerHarness } from "../support/pager-harness.js";
import { TEST_KEYS } from "../support/test-keys.js";

const CONSOLE = "https://console.example.com";

/**
 * What a web page can do with a pager that a person's browser can reach: a
 * page of another origin gets nothing (CORS is off unless its origin is
 * listed), and a request addressed to a name that is not the pager's (DNS
 * rebinding) is refused before any handler. Clients that are not browsers
 * send no Origin and are unaffected.
 */
describe("browser reach: Host and Origin (real server)", () => {
  let h: PagerHarness;
  let baseUrl: string;

  before(async () => {
    h = await startPagerHarness({
      PAGER_TIMER_WORKER: "off",
      PAGER_DISPATCHER: "off",
      PAGER_ALLOWED_HOSTS: "pager.internal",
      PAGER_CORS_ORIGINS: CONSOLE,
    });
    baseUrl = `http://${h.address}`;
  });
  after(async () => {
    await h?.stop();
  });

  /** A Connect JSON call over HTTP/1.1 with the admin key and these extra headers. */
  function post(path: string, body: object, headers: Record<string, string> = {}) {
    return fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${TEST_KEYS.admin}`,
        ...headers,
      },
      body: JSON.stringify(body),
    });
  }

  /** An HTTP/1.1 request whose Host header says `host`, which fetch would not send. */
  function withHost(host: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: "127.0.0.1",
          port: h.pager.port,
          path: "/grpc.health.v1.Health/Check",
          method: "POST",
          headers: { host, "content-type": "application/json" },
        },
        (response) => {
          let body = "";
          response.on("data", (chunk) => {
            body += chunk;
          });
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      request.on("error", reject);
      request.end("{}");
    });
  }

  it("a page of another origin is refused before any handler runs, key or not", async () => {
    const name = uniqueName("cross-origin");
    const response = await post(
      "/pager.v1.EscalationPolicyService/CreateEscalationPolicy",
      { name, levels: [{ targets: [{ email: { address: "a@example.com" } }] }] },
      { origin: "http://attacker.example" },
    );
    expect(response.status).to.equal(403);
    expect(response.headers.get("access-control-allow-origin")).to.equal(null);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).to.equal("permission_denied");
    expect(body.message).to.include('"http://attacker.example"');
    expect(body.message).to.include("list the origin in PAGER_CORS_ORIGINS");
    const { escalationPolicies } = await h.client.call(
      EscalationPolicyService.method.listEscalationPolicies,
      { pageSize: 1000 },
    );
    expect(
      escalationPolicies.map((p) => p.name),
      "nothing was created",
    ).to.not.include(name);
    const health = await post("/grpc.health.v1.Health/Check", {}, { origin: "null" });
    expect(health.status, "even health").to.equal(403);
  });

  it("same origin, a listed CORS origin and no Origin at all are served", async () => {
    const cases: Record<string, string>[] = [{}, { origin: baseUrl }, { origin: CONSOLE }];
    for (const headers of cases) {
      const response = await post("/pager.v1.ApiKeyService/GetCurrentApiKey", {}, headers);
      expect(response.status, JSON.stringify(headers)).to.equal(200);
    }
    const fromConsole = await post(
      "/pager.v1.ApiKeyService/GetCurrentApiKey",
      {},
      { origin: CONSOLE },
    );
    expect(fromConsole.headers.get("access-control-allow-origin")).to.equal(CONSOLE);
    expect(fromConsole.headers.get("access-control-expose-headers")?.toLowerCase()).to.include(
      "grpc-status",
    );
  });

  it("a listed origin's preflight is answered with what Connect and the authorization header need", async () => {
    const preflight = await fetch(`${baseUrl}/pager.v1.PagerService/ListAlerts`, {
      method: "OPTIONS",
      headers: {
        origin: CONSOLE,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type,connect-protocol-version",
      },
    });
    expect(preflight.status).to.equal(204);
    expect(preflight.headers.get("access-control-allow-origin")).to.equal(CONSOLE);
    expect(preflight.headers.get("access-control-allow-methods")).to.include("POST");
    const allowed = (preflight.headers.get("access-control-allow-headers") ?? "").toLowerCase();
    for (const header of ["authorization", "content-type", "connect-protocol-version"]) {
      expect(allowed).to.include(header);
    }
    const refused = await fetch(`${baseUrl}/pager.v1.PagerService/ListAlerts`, {
      method: "OPTIONS",
      headers: { origin: "http://attacker.example", "access-control-request-method": "POST" },
    });
    expect(refused.status).to.equal(403);
    expect(refused.headers.get("access-control-allow-origin")).to.equal(null);
  });

  it("gRPC-Web from another origin gets PERMISSION_DENIED", async () => {
    const withOrigin: Interceptor = (next) => (request) => {
      request.header.set("origin", "http://attacker.example");
      request.header.set("authorization", `Bearer ${TEST_KEYS.admin}`);
      return next(request);
    };
    const client = createClient(
      ApiKeyService,
      createGrpcWebTransport({ baseUrl, httpVersion: "1.1", interceptors: [withOrigin] }),
    );
    const outcome = await connectOutcome(() => client.getCurrentApiKey({}));
    expect(outcome.code).to.equal(Code.PermissionDenied);
  });

  it("a Host that is not the pager's is refused (DNS rebinding); its own names and allowed hosts are served", async () => {
    const rebound = await withHost(`attacker.example:${h.pager.port}`);
    expect(rebound.status).to.equal(403);
    expect(JSON.parse(rebound.body)).to.include({ code: "permission_denied" });
    for (const host of [`localhost:${h.pager.port}`, `pager.internal:${h.pager.port}`, h.address]) {
      expect((await withHost(host)).status, host).to.equal(200);
    }
    const authorityAs = async (authority: string) => {
      const client = new grpc.Client(h.address, grpc.credentials.createInsecure(), {
        "grpc.default_authority": authority,
      });
      try {
        await grpcUnary(client, Health.method.check, { service: "" });
        return { code: grpc.status.OK, details: "" };
      } catch (error) {
        const { code, details } = error as grpc.ServiceError;
        return { code, details };
      } finally {
        client.close();
      }
    };
    const refused = await authorityAs("attacker.example");
    expect(refused.code).to.equal(grpc.status.PERMISSION_DENIED);
    expect(refused.details).to.match(
      /^requests addressed to "attacker.example" are not served here; .* add it to PAGER_ALLOWED_HOSTS$/,
    );
    expect((await authorityAs("pager.internal:50051")).code).to.equal(grpc.status.OK);
  });
});
