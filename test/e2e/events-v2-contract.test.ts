import * as http2 from "node:http2";
import { expect } from "chai";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import {
  type IntegrationHarness,
  startIntegrationHarness,
} from "../support/integration-harness.js";
import { AlertState, notificationsOf } from "../support/pager-fixtures.js";
import { postJson } from "../support/post-json.js";

const pager = PagerService.method;

/** PagerDuty's documented trigger example, with our routing key. */
function documentedTrigger(routingKey: string) {
  return {
    payload: {
      summary: "DISK at 99% on machine prod-datapipe03.example.com",
      timestamp: "2015-07-17T08:42:58.315+0000",
      severity: "critical",
      source: "prod-datapipe03.example.com",
      component: "mysql",
      group: "prod-datapipe",
      class: "disk",
      custom_details: { "free space": "1%", "ping time": "1500ms", "load avg": 0.75 },
    },
    routing_key: routingKey,
    dedup_key: "srv01/mysql",
    event_action: "trigger",
    client: "Sample Monitoring Service",
    client_url: "https://monitoring.service.com",
    links: [{ href: "http://pagerduty.example.com", text: "An example link." }],
    images: [
      {
        src: "https://chart.googleapis.com/chart?chs=600x400",
        href: "https://google.com",
        alt: "An example link with an image",
      },
    ],
  };
}

const processed = (dedupKey: string) => ({
  status: "success",
  message: "Event processed",
  dedup_key: dedupKey,
});

const invalid = (...errors: string[]) => ({
  status: "invalid event",
  message: "Event object is invalid",
  errors,
});

/**
 * The Events API v2 as PagerDuty documents it, against a real pager on a
 * real port: each event action, the refusals a sender must act on, and the
 * dedup key, with integration keys from a test double of the key port.
 */
describe("Events API v2: POST /v2/enqueue", () => {
  let m: IntegrationHarness;
  let url: string;

  before(async () => {
    m = await startIntegrationHarness();
    url = `${m.baseUrl}/v2/enqueue`;
  });
  after(async () => {
    await m?.stop();
  });

  it("trigger: the documented example pages the key's service, its dedup key echoed", async () => {
    const { serviceId, key } = await m.pagedService();
    const answer = await postJson(url, documentedTrigger(key));
    expect(answer.status).to.equal(202);
    expect(answer.body).to.deep.equal(processed("srv01/mysql"));
    const [alert] = await m.alertsOf(serviceId);
    expect(alert).to.include({
      message: "DISK at 99% on machine prod-datapipe03.example.com",
      state: AlertState.TRIGGERED,
      dedupKey: "srv01/mysql",
    });
    expect(alert?.details).to.deep.equal({
      severity: "critical",
      source: "prod-datapipe03.example.com",
      timestamp: "2015-07-17T08:42:58.315+0000",
      component: "mysql",
      group: "prod-datapipe",
      class: "disk",
      client: "Sample Monitoring Service",
      client_url: "https://monitoring.service.com",
      "custom.free space": "1%",
      "custom.ping time": "1500ms",
      "custom.load avg": "0.75",
      links: "An example link.: http://pagerduty.example.com",
      images: "An example link with an image: https://chart.googleapis.com/chart?chs=600x400",
    });
    const pages = await notificationsOf(m.pager.client, alert?.id ?? "");
    expect(pages.map((page) => page.level)).to.deep.equal([0]);
  });

  it("trigger without a dedup key: one is made up, kept with the alert and returned", async () => {
    const { serviceId, key } = await m.pagedService();
    const event = { ...documentedTrigger(key), dedup_key: undefined };
    const answer = await postJson(url, event);
    expect(answer.status).to.equal(202);
    const dedupKey = String(answer.body?.dedup_key);
    expect(dedupKey).to.match(/^[0-9a-f-]{36}$/);
    const [alert] = await m.alertsOf(serviceId);
    expect(alert?.dedupKey).to.equal(dedupKey);
    // Absorbed by the active alert, a second one gets that alert's key back.
    const again = await postJson(url, event);
    expect(again.body?.dedup_key).to.equal(dedupKey);
  });

  it("trigger while an alert is active: absorbed, nobody paged, the given key echoed", async () => {
    const { serviceId, key } = await m.pagedService();
    await postJson(url, documentedTrigger(key));
    const answer = await postJson(url, { ...documentedTrigger(key), dedup_key: "other" });
    expect(answer.status).to.equal(202);
    expect(answer.body?.dedup_key).to.equal("other");
    const alerts = await m.alertsOf(serviceId);
    expect(alerts).to.have.length(1);
    expect(alerts[0]?.dedupKey).to.equal("srv01/mysql");
  });

  it("acknowledge: stops the escalation of the alert with that dedup key, by the key's name", async () => {
    const { serviceId, key, keyName } = await m.pagedService("grafana-prod");
    await postJson(url, documentedTrigger(key));
    const ack = { routing_key: key, dedup_key: "srv01/mysql", event_action: "acknowledge" };
    const answer = await postJson(url, ack);
    expect(answer.status).to.equal(202);
    expect(answer.body).to.deep.equal(processed("srv01/mysql"));
    const [alert] = await m.alertsOf(serviceId);
    expect(keyName).to.match(/^grafana-prod-/);
    expect(alert).to.include({ state: AlertState.ACKNOWLEDGED, acknowledgedBy: keyName });
  });

  it("acknowledge and resolve with another dedup key: 202, and nothing changes", async () => {
    const { serviceId, key } = await m.pagedService();
    await postJson(url, documentedTrigger(key));
    for (const event_action of ["acknowledge", "resolve"]) {
      const answer = await postJson(url, { routing_key: key, dedup_key: "nope", event_action });
      expect(answer.status).to.equal(202);
      expect(answer.body?.dedup_key).to.equal("nope");
    }
    const [alert] = await m.alertsOf(serviceId);
    expect(alert?.state).to.equal(AlertState.TRIGGERED);
  });

  it("resolve: the healthy event for the alert with that dedup key", async () => {
    const { serviceId, key } = await m.pagedService();
    await postJson(url, documentedTrigger(key));
    const resolve = { routing_key: key, dedup_key: "srv01/mysql", event_action: "resolve" };
    expect((await postJson(url, resolve)).status).to.equal(202);
    const [alert] = await m.alertsOf(serviceId);
    expect(alert?.state).to.equal(AlertState.RESOLVED);
    expect(await m.isHealthy(serviceId)).to.equal(true);
    // Resolving again, as monitoring repeats itself, is harmless.
    expect((await postJson(url, resolve)).status).to.equal(202);
  });

  describe("refusals, worded as PagerDuty words them, writing nothing", () => {
    let key: string;
    let serviceId: string;
    before(async () => {
      ({ key, serviceId } = await m.pagedService());
    });
    afterEach(async () => {
      expect(await m.alertsOf(serviceId)).to.deep.equal([]);
    });

    const cases: { name: string; event: (key: string) => unknown; errors: string[] }[] = [
      {
        name: "missing routing_key",
        event: (k) => ({ ...documentedTrigger(k), routing_key: undefined }),
        errors: ["'routing_key' is missing or blank"],
      },
      {
        name: "missing summary",
        event: (k) => {
          const e = documentedTrigger(k);
          return { ...e, payload: { ...e.payload, summary: undefined } };
        },
        errors: ["'payload.summary' is missing or blank"],
      },
      {
        name: "missing severity",
        event: (k) => {
          const e = documentedTrigger(k);
          return { ...e, payload: { ...e.payload, severity: undefined } };
        },
        errors: ["'payload.severity' is missing or blank"],
      },
      {
        name: "an unknown severity",
        event: (k) => {
          const e = documentedTrigger(k);
          return { ...e, payload: { ...e.payload, severity: "fatal" } };
        },
        errors: [
          "'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')",
        ],
      },
      {
        name: "an unknown event_action",
        event: (k) => ({ ...documentedTrigger(k), event_action: "escalate" }),
        errors: [
          "'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')",
        ],
      },
      {
        name: "a summary over 1024 characters",
        event: (k) => {
          const e = documentedTrigger(k);
          return { ...e, payload: { ...e.payload, summary: "x".repeat(1025) } };
        },
        errors: ["'payload.summary' must be at most 1024 characters"],
      },
      {
        name: "a dedup_key over 255 characters",
        event: (k) => ({ ...documentedTrigger(k), dedup_key: "k".repeat(256) }),
        errors: ["'dedup_key' must be at most 255 characters"],
      },
      {
        name: "a resolve without dedup_key",
        event: (k) => ({ routing_key: k, event_action: "resolve" }),
        errors: ["'dedup_key' is missing or blank"],
      },
      {
        name: "no routing key and no payload at once: every problem",
        event: () => ({ event_action: "trigger" }),
        errors: ["'routing_key' is missing or blank", "'payload' is missing or blank"],
      },
    ];
    for (const { name, event, errors } of cases) {
      it(`${name}: 400 naming the field`, async () => {
        const answer = await postJson(url, event(key));
        expect(answer.status).to.equal(400);
        expect(answer.body).to.deep.equal(invalid(...errors));
      });
    }

    it("an event over 512 KB (600 KB of custom details): 400", async () => {
      const event = documentedTrigger(key);
      const huge = {
        ...event,
        payload: { ...event.payload, custom_details: { blob: "x".repeat(600 * 1024) } },
      };
      const answer = await postJson(url, huge);
      expect(answer.status).to.equal(400);
      expect(answer.body).to.deep.equal(invalid("Event is larger than the limit of 512 KB"));
    });

    it("a body that is not JSON: 400 Unrecognized object", async () => {
      const answer = await postJson(url, "{not json");
      expect(answer.status).to.equal(400);
      expect(answer.body).to.deep.equal({
        status: "Unrecognized object",
        message: "Event object format is unrecognized",
        errors: ["JSON parse error"],
      });
    });

    it("an unknown routing key, and a revoked one: the same 400 Invalid routing key", async () => {
      const unknown = await postJson(url, documentedTrigger("0123456789abcdef0123456789abcdef"));
      expect(unknown.status).to.equal(400);
      expect(unknown.body).to.deep.equal(invalid("Invalid routing key"));
      const revoked = await m.integrationKey(serviceId);
      await m.revoke(revoked.id);
      const answer = await postJson(url, documentedTrigger(revoked.secret));
      expect(answer).to.deep.include({ status: 400, body: unknown.body });
    });

    it("a key over its rate limit: 429 with Retry-After", async () => {
      const limited = await m.integrationKey(serviceId, {
        requestsPerSecond: 1,
        burst: 1,
      } as never);
      // Its one token goes on an acknowledge that matches no alert: taken, and nothing written.
      const spend = { routing_key: limited.secret, dedup_key: "none", event_action: "acknowledge" };
      expect((await postJson(url, spend)).status).to.equal(202);
      const answer = await postJson(url, documentedTrigger(limited.secret));
      expect(answer.status).to.equal(429);
      expect(answer.headers.get("retry-after")).to.equal("1");
      expect(answer.body).to.deep.include({ message: "Request Limit Exceeded" });
    });

    it("GET: 405, POST only", async () => {
      const response = await fetch(url);
      expect(response.status).to.equal(405);
      expect(response.headers.get("allow")).to.equal("POST");
    });
  });

  it("a key whose service was deleted: refused like an unknown key", async () => {
    const { serviceId, key } = await m.pagedService();
    await m.pager.client.call(pager.deleteMonitoredService, { monitoredServiceId: serviceId });
    const answer = await postJson(url, documentedTrigger(key));
    expect(answer).to.deep.include({ status: 400, body: invalid("Invalid routing key") });
  });

  it("the pager failing (its key store down): 500, which senders retry, and it serves on", async () => {
    const { serviceId, key } = await m.pagedService();
    m.keyStore.down = true;
    try {
      const answer = await postJson(url, documentedTrigger(key));
      expect(answer.status).to.equal(500);
      expect(answer.body).to.deep.equal({
        status: "error",
        message: "The event could not be processed; retry later",
      });
    } finally {
      m.keyStore.down = false;
    }
    expect((await postJson(url, documentedTrigger(key))).status).to.equal(202);
    expect(await m.alertsOf(serviceId)).to.have.length(1);
  });

  it("answers over HTTP/2 too, as some senders speak it", async () => {
    const { serviceId, key } = await m.pagedService();
    const session = http2.connect(m.baseUrl);
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const stream = session.request({
          ":method": "POST",
          ":path": "/v2/enqueue",
          "content-type": "application/json",
        });
        stream.on("response", (headers) => resolve(Number(headers[":status"])));
        stream.on("error", reject);
        stream.end(JSON.stringify(documentedTrigger(key)));
        stream.resume();
      });
      expect(status).to.equal(202);
    } finally {
      session.close();
    }
    expect(await m.alertsOf(serviceId)).to.have.length(1);
  });
});
