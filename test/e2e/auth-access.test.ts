import { create, type DescMethod, type DescService } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type CallOptions, Code, createClient, createConnectRouter } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { Health } from "../../gen/grpc/health/v1/health_pb.js";
import { AcknowledgementLinkService } from "../../gen/pager/v1/acknowledgement_link_service_pb.js";
import { ApiKeyRole, ApiKeyService } from "../../gen/pager/v1/api_key_service_pb.js";
import { EscalationPolicyService } from "../../gen/pager/v1/escalation_policy_pb.js";
import { NotificationService } from "../../gen/pager/v1/notification_pb.js";
import { PagerService, SendAlertOutcome } from "../../gen/pager/v1/pager_service_pb.js";
import type { AckLinkDeps } from "../../src/pager/app/acknowledgement-links.js";
import type { AlertChangeFeed } from "../../src/pager/app/alert-change-feed.js";
import { METHOD_ACCESS } from "../../src/pager/transport/method-access.js";
import { pagerRoutes } from "../../src/pager/transport/router.js";
import type { HealthStatusSource } from "../../src/platform/health/health-service.js";
import { methodName, OPEN_SERVICES } from "../../src/platform/server/method-access.js";
import { connectOutcome, connectTransport, createKey, type TestKey } from "../support/api-keys.js";
import { GrpcTestClient } from "../support/grpc-client.js";
import { createServiceWithPolicy } from "../support/pager-fixtures.js";
import { type PagerHarness, startPagerHarness } from "../support/pager-harness.js";
import { TEST_KEYS } from "../support/test-keys.js";

const UNKNOWN_ID = "0190b6c4-0000-7000-8000-00000000dead";
const pager = PagerService.method;

/** One call as every client makes it: grpc-js over HTTP/2, Connect JSON over HTTP/1.1. */
type Client = "grpc-js" | "connect";

/** How one call ended: its code (0 for OK, the gRPC numbering) and message. */
interface Outcome {
  readonly code: number;
  readonly message: string;
}

/**
 * Who may call what, written from the product's rules rather than read from
 * the server's table, so that the table is checked against them: admin
 * everything; responder acknowledges, resolves, retries and reads; viewer
 * reads; integration sends and resolves; timer answers timer callbacks; any
 * key reads itself.
 */
function expectedRoles(method: DescMethod): string[] {
  const name = methodName(method);
  const isKeyService = method.parent.typeName === ApiKeyService.typeName;
  if (name === methodName(ApiKeyService.method.getCurrentApiKey)) {
    return ["admin", "responder", "viewer", "integration", "timer"];
  }
  if (isKeyService) return ["admin"];
  if (/^(Get|List|Watch)/.test(method.name)) return ["admin", "responder", "viewer"];
  switch (name) {
    case methodName(pager.acknowledgeAlert):
    case methodName(NotificationService.method.retryNotification):
      return ["admin", "responder"];
    case methodName(pager.resolveAlert):
      return ["admin", "responder", "integration"];
    case methodName(pager.sendAlert):
      return ["admin", "integration"];
    case methodName(pager.handleAcknowledgementTimeout):
      return ["admin", "timer"];
    default:
      return ["admin"];
  }
}

describe("authentication and roles (real server, grpc-js and Connect clients)", () => {
  let h: PagerHarness;
  let baseUrl: string;
  const keys = {} as Record<
    "responder" | "viewer" | "integration" | "timer" | "revoked" | "expired",
    TestKey
  >;

  before(async () => {
    h = await startPagerHarness({ PAGER_TIMER_WORKER: "off" });
    baseUrl = `http://${h.address}`;
    const roles = {
      responder: ApiKeyRole.RESPONDER,
      viewer: ApiKeyRole.VIEWER,
      integration: ApiKeyRole.INTEGRATION,
      timer: ApiKeyRole.TIMER,
      revoked: ApiKeyRole.ADMIN,
    } as const;
    for (const [name, role] of Object.entries(roles)) {
      keys[name as keyof typeof roles] = await createKey(h.client, role);
    }
    await h.client.call(ApiKeyService.method.revokeApiKey, { apiKeyId: keys.revoked.id });
    keys.expired = await createKey(h.client, ApiKeyRole.ADMIN, {
      expireTime: timestampFromMs(h.clock.now().getTime() + 60_000),
    });
    // The expired key worked until its time came; the server's clock moves past it.
    await expectOutcome("grpc-js", keys.expired.secret, pager.listAlerts, {}, 0);
    h.clock.advance(61_000);
  });
  after(async () => {
    await h?.stop();
  });

  /** Calls `method` with `input` presenting `secret`, through `client`. */
  async function call(
    client: Client,
    secret: string | null,
    method: DescMethod,
    input: object,
  ): Promise<Outcome> {
    if (client === "grpc-js") {
      const grpcClient = new GrpcTestClient(h.address, secret);
      try {
        await grpcClient.call(method as never, input as never);
        return { code: 0, message: "" };
      } catch (error) {
        const { code, details } = error as grpc.ServiceError;
        return { code, message: details };
      } finally {
        grpcClient.close();
      }
    }
    const service = createClient(method.parent as DescService, connectTransport(baseUrl, secret));
    const invoke = (service as Record<string, (i: object, o?: CallOptions) => unknown>)[
      method.localName
    ];
    const { code, message } = await connectOutcome(async () => {
      const result = invoke?.(input);
      if (result !== null && typeof result === "object" && Symbol.asyncIterator in result) {
        for await (const _ of result as AsyncIterable<unknown>) break;
      } else {
        await result;
      }
    });
    return { code: code === "ok" ? 0 : code, message };
  }

  async function expectOutcome(
    client: Client,
    secret: string | null,
    method: DescMethod,
    input: object,
    code: number,
  ): Promise<Outcome> {
    const outcome = await call(client, secret, method, input);
    expect(outcome.code, `${client} ${method.name}: ${outcome.message}`).to.equal(code);
    return outcome;
  }

  describe("every RPC family × every kind of key", () => {
    /** One RPC of each family, a role it refuses and one it serves, and what serving it answers. */
    const families: {
      family: string;
      method: DescMethod;
      input: () => object;
      wrong: keyof typeof keys | "admin";
      right: keyof typeof keys | "admin";
      served: number;
    }[] = [
      {
        family: "alerts: send",
        method: pager.sendAlert,
        input: () => ({ monitoredServiceId: UNKNOWN_ID, message: "x" }),
        wrong: "responder",
        right: "integration",
        served: Code.NotFound,
      },
      {
        family: "alerts: acknowledge",
        method: pager.acknowledgeAlert,
        input: () => ({ alertId: UNKNOWN_ID }),
        wrong: "viewer",
        right: "responder",
        served: Code.NotFound,
      },
      {
        family: "alerts: resolve",
        method: pager.resolveAlert,
        input: () => ({ subject: { case: "monitoredServiceId", value: UNKNOWN_ID } }),
        wrong: "viewer",
        right: "integration",
        served: Code.NotFound,
      },
      {
        family: "alerts: read",
        method: pager.listAlerts,
        input: () => ({}),
        wrong: "timer",
        right: "viewer",
        served: 0,
      },
      {
        family: "timer callback",
        method: pager.handleAcknowledgementTimeout,
        input: () => ({ alertId: UNKNOWN_ID }),
        wrong: "integration",
        right: "timer",
        served: Code.NotFound,
      },
      {
        family: "monitored services: manage",
        method: pager.createMonitoredService,
        input: () => ({ name: "x", escalationPolicyId: UNKNOWN_ID }),
        wrong: "responder",
        right: "admin",
        served: Code.NotFound,
      },
      {
        family: "monitored services: read",
        method: pager.getMonitoredService,
        input: () => ({ monitoredServiceId: UNKNOWN_ID }),
        wrong: "integration",
        right: "viewer",
        served: Code.NotFound,
      },
      {
        family: "escalation policies: manage",
        method: EscalationPolicyService.method.deleteEscalationPolicy,
        input: () => ({ escalationPolicyId: UNKNOWN_ID }),
        wrong: "responder",
        right: "admin",
        served: Code.NotFound,
      },
      {
        family: "escalation policies: read",
        method: EscalationPolicyService.method.listEscalationPolicies,
        input: () => ({}),
        wrong: "integration",
        right: "viewer",
        served: 0,
      },
      {
        family: "notifications: retry",
        method: NotificationService.method.retryNotification,
        input: () => ({ notificationId: UNKNOWN_ID }),
        wrong: "viewer",
        right: "responder",
        served: Code.NotFound,
      },
      {
        family: "notifications: read",
        method: NotificationService.method.listNotifications,
        input: () => ({}),
        wrong: "timer",
        right: "viewer",
        served: 0,
      },
      {
        family: "API keys: manage",
        method: ApiKeyService.method.listApiKeys,
        input: () => ({}),
        wrong: "responder",
        right: "admin",
        served: 0,
      },
      {
        family: "API keys: current key",
        method: ApiKeyService.method.getCurrentApiKey,
        input: () => ({}),
        wrong: "revoked",
        right: "timer",
        served: 0,
      },
    ];
    const secretOf = (name: keyof typeof keys | "admin") =>
      name === "admin" ? TEST_KEYS.admin : keys[name].secret;

    for (const client of ["grpc-js", "connect"] as const) {
      it(`${client}: no key, malformed, unknown, revoked, expired → UNAUTHENTICATED with one message; wrong role → PERMISSION_DENIED naming the roles; right role → served`, async () => {
        const unauthenticated = new Set<string>();
        const malformed = [
          "not a key",
          "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
          "0123456789abcdef",
          `${"a".repeat(32)}=`,
        ];
        for (const { family, method, input, wrong, right, served } of families) {
          const presented: (string | null)[] = [
            null,
            ...malformed,
            "0123456789abcdefghijklmnopqrstuv",
            keys.revoked.secret,
            keys.expired.secret,
          ];
          for (const secret of presented) {
            const { message } = await expectOutcome(
              client,
              secret,
              method,
              input(),
              Code.Unauthenticated,
            );
            unauthenticated.add(message);
          }
          const denied = await call(client, secretOf(wrong), method, input());
          if (wrong === "revoked") {
            expect(denied.code, family).to.equal(Code.Unauthenticated);
          } else {
            expect(denied.code, `${family}: ${denied.message}`).to.equal(Code.PermissionDenied);
            expect(denied.message, family).to.include(`has the role ${wrong}`);
            for (const role of expectedRoles(method))
              expect(denied.message, family).to.include(role);
          }
          await expectOutcome(client, secretOf(right), method, input(), served);
        }
        expect([...unauthenticated]).to.deep.equal([
          'a valid API key is required: send "authorization: Bearer <key>" with a key that exists, is not revoked and has not expired',
        ]);
      });
    }

    it("gRPC-Web is held to the same keys", async () => {
      const keysClient = (secret: string | null) =>
        createClient(ApiKeyService, connectTransport(baseUrl, secret, "grpc-web"));
      const none = await connectOutcome(() => keysClient(null).getCurrentApiKey({}));
      expect(none.code).to.equal(Code.Unauthenticated);
      const wrong = await connectOutcome(() => keysClient(keys.viewer.secret).listApiKeys({}));
      expect(wrong.code).to.equal(Code.PermissionDenied);
      const { apiKey } = await keysClient(keys.viewer.secret).getCurrentApiKey({});
      expect(apiKey).to.include({ id: keys.viewer.id, role: ApiKeyRole.VIEWER });
    });
  });

  it("health and reflection answer without a key", async () => {
    const noKey = new GrpcTestClient(h.address, null);
    try {
      expect((await noKey.call(Health.method.check, { service: "" })).status).to.equal(1);
    } finally {
      noKey.close();
    }
    const health = createClient(Health, connectTransport(baseUrl, null));
    expect((await health.check({ service: PagerService.typeName })).status).to.equal(1);
  });

  it("every served method has exactly one access rule, and each role gets what the product allows", async () => {
    const router = createConnectRouter();
    pagerRoutes({} as AckLinkDeps, {} as AlertChangeFeed, {} as HealthStatusSource)(router);
    const served = router.handlers.map((handler) => methodName(handler.method));
    const described = [...served, ...AcknowledgementLinkService.methods.map(methodName)];
    expect([...METHOD_ACCESS.keys()].sort()).to.deep.equal([...new Set(described)].sort());
    for (const service of OPEN_SERVICES) {
      for (const method of service.methods) {
        expect(METHOD_ACCESS.get(methodName(method))).to.deep.equal({ kind: "open" });
      }
    }
    for (const method of AcknowledgementLinkService.methods) {
      expect(METHOD_ACCESS.get(methodName(method))).to.deep.equal({ kind: "link-token" });
    }

    const byRole: Record<string, string> = {
      admin: TEST_KEYS.admin,
      responder: keys.responder.secret,
      viewer: keys.viewer.secret,
      integration: keys.integration.secret,
      timer: keys.timer.secret,
    };
    const keyed = router.handlers
      .map((handler) => handler.method)
      .filter((method) => METHOD_ACCESS.get(methodName(method))?.kind === "api-key");
    expect(keyed.length).to.be.above(25);
    for (const method of keyed) {
      const allowed = expectedRoles(method);
      for (const [role, secret] of Object.entries(byRole)) {
        // An empty request: served, it is refused by the handler (or listed), never by the gate.
        const outcome = await call("connect", secret, method, create(method.input));
        const what = `${role} → ${methodName(method)}: ${outcome.message}`;
        if (allowed.includes(role)) {
          expect(outcome.code, what).to.not.be.oneOf([Code.PermissionDenied, Code.Unauthenticated]);
        } else {
          expect(outcome.code, what).to.equal(Code.PermissionDenied);
        }
      }
    }
  });

  it("an integration key bound to a service sends and resolves for it alone, and only by service id", async () => {
    const { service } = await createServiceWithPolicy(h.client);
    const { service: other } = await createServiceWithPolicy(h.client);
    const bound = await createKey(h.client, ApiKeyRole.INTEGRATION, {
      monitoredServiceId: service.id,
    });
    const byService = (id: string) => ({ subject: { case: "monitoredServiceId", value: id } });
    for (const client of ["grpc-js", "connect"] as const) {
      const refused = [
        await call(client, bound.secret, pager.sendAlert, {
          monitoredServiceId: other.id,
          message: "x",
        }),
        await call(client, bound.secret, pager.resolveAlert, byService(other.id)),
      ];
      for (const outcome of refused) {
        expect(outcome.code, outcome.message).to.equal(Code.PermissionDenied);
        expect(outcome.message).to.include(
          `may only send and resolve alerts of monitored service "${service.id}"`,
        );
      }
    }
    const integration = new GrpcTestClient(h.address, bound.secret);
    try {
      const { alert, outcome } = await integration.call(pager.sendAlert, {
        monitoredServiceId: service.id.toUpperCase(),
        message: "disk full",
      });
      expect(outcome).to.equal(SendAlertOutcome.CREATED);
      const byAlert = await integration.fail(pager.resolveAlert, {
        subject: { case: "alertId", value: alert?.id ?? "" },
      });
      expect(byAlert.code).to.equal(grpc.status.PERMISSION_DENIED);
      expect(byAlert.details).to.include("monitored_service_id");
      const read = await integration.fail(pager.getAlert, { alertId: alert?.id ?? "" });
      expect(read.code).to.equal(grpc.status.PERMISSION_DENIED);
      const resolved = await integration.call(pager.resolveAlert, byService(service.id) as never);
      expect(resolved.alert?.id).to.equal(alert?.id);
      const { monitoredService } = await h.client.call(pager.getMonitoredService, {
        monitoredServiceId: other.id,
      });
      expect(monitoredService?.activeAlertId, "the other service was never touched").to.equal("");
    } finally {
      integration.close();
    }
  });

  it("acknowledged_by defaults to the name of the key that acknowledged", async () => {
    const { service } = await createServiceWithPolicy(h.client);
    const { alert } = await h.client.call(pager.sendAlert, {
      monitoredServiceId: service.id,
      message: "x",
    });
    const ana = await createKey(h.client, ApiKeyRole.RESPONDER, {
      name: `ana's phone ${service.id}`,
    });
    const responder = new GrpcTestClient(h.address, ana.secret);
    try {
      const { alert: acked } = await responder.call(pager.acknowledgeAlert, {
        alertId: alert?.id ?? "",
      });
      expect(acked?.acknowledgedBy).to.equal(ana.name);
    } finally {
      responder.close();
    }
  });
});
