import { expect } from "chai";
import { MonitoredServiceHealth } from "../../gen/pager/v1/monitored_service_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { FixedIntegrationKeys } from "../support/fixed-integration-keys.js";
import { AlertState, createServiceWithPolicy } from "../support/pager-fixtures.js";
import { type PagerHarness, startPagerHarness } from "../support/pager-harness.js";
import { postJson } from "../support/post-json.js";

const pager = PagerService.method;

function notification(status: "firing" | "resolved", groupKey = '{}:{alertname="Disk"}') {
  return {
    receiver: "pager",
    status,
    alerts: [
      {
        status,
        labels: { alertname: "Disk", instance: "db1", severity: "critical" },
        annotations: { summary: "disk full on db1" },
        startsAt: "2026-11-30T02:08:21Z",
        endsAt: status === "firing" ? "0001-01-01T00:00:00Z" : "2026-11-30T02:10:00Z",
        generatorURL: "",
        fingerprint: "38a182f77da69cc9",
      },
    ],
    groupLabels: { alertname: "Disk" },
    commonLabels: { alertname: "Disk", instance: "db1", severity: "critical" },
    commonAnnotations: { summary: "disk full on db1" },
    externalURL: "http://am.example.com:9093",
    version: "4",
    groupKey,
    truncatedAlerts: 0,
  };
}

/**
 * The Alertmanager webhook receiver against a real pager, with integration
 * keys from a test double of the key port: bearer authentication, firing
 * and resolved groups, and the refusals. The real Alertmanager drives the
 * same endpoint in test/monitoring.
 */
describe("Alertmanager webhook receiver: POST /integrations/alertmanager", () => {
  let h: PagerHarness;
  let url: string;
  const keys = new FixedIntegrationKeys();

  before(async () => {
    h = await startPagerHarness({ PAGER_TIMER_WORKER: "off" }, undefined, {
      integrationKeys: keys,
    });
    url = `http://${h.address}/integrations/alertmanager`;
  });
  after(async () => {
    await h?.stop();
  });

  async function serviceWithKey() {
    const { service } = await createServiceWithPolicy(h.client);
    const key = keys.add(service.id, "alertmanager-prod");
    return { service, auth: { authorization: `Bearer ${key}` } };
  }

  const alertsOf = async (monitoredServiceId: string) =>
    (await h.client.call(pager.listAlerts, { monitoredServiceId })).alerts;

  it("firing: triggers an alert on the key's service; resolved: the healthy event", async () => {
    const { service, auth } = await serviceWithKey();
    const firing = await postJson(url, notification("firing"), auth);
    expect(firing.status).to.equal(200);
    expect(firing.body).to.deep.equal({
      status: "success",
      message: "Event processed",
      dedup_key: '{}:{alertname="Disk"}',
    });
    const [alert] = await alertsOf(service.id);
    expect(alert).to.include({
      message: "disk full on db1",
      dedupKey: '{}:{alertname="Disk"}',
      state: AlertState.TRIGGERED,
    });
    expect(alert?.details).to.include({ severity: "critical", "label.instance": "db1" });

    const resolved = await postJson(url, notification("resolved"), auth);
    expect(resolved.status).to.equal(200);
    const [after] = await alertsOf(service.id);
    expect(after?.state).to.equal(AlertState.RESOLVED);
    const { monitoredService } = await h.client.call(pager.getMonitoredService, {
      monitoredServiceId: service.id,
    });
    expect(monitoredService?.health).to.equal(MonitoredServiceHealth.HEALTHY);
  });

  it("resolved for another group: nothing changes", async () => {
    const { service, auth } = await serviceWithKey();
    await postJson(url, notification("firing"), auth);
    const other = await postJson(url, notification("resolved", '{}:{alertname="Cpu"}'), auth);
    expect(other.status).to.equal(200);
    const [alert] = await alertsOf(service.id);
    expect(alert?.state).to.equal(AlertState.TRIGGERED);
  });

  it("without a bearer token, or with an unknown one: 401, nothing written", async () => {
    const { service } = await serviceWithKey();
    const attempts: Record<string, string>[] = [
      {},
      { authorization: "Basic dXNlcjpwYXNz" },
      { authorization: "Bearer 0123456789abcdef0123456789abcdef" },
    ];
    for (const headers of attempts) {
      const answer = await postJson(url, notification("firing"), headers);
      expect(answer.status).to.equal(401);
      expect(answer.headers.get("www-authenticate")).to.equal('Bearer realm="pager"');
    }
    expect(await alertsOf(service.id)).to.deep.equal([]);
  });

  it("a notification that is not version 4: 400 naming the field", async () => {
    const { auth } = await serviceWithKey();
    const answer = await postJson(url, { ...notification("firing"), version: "5" }, auth);
    expect(answer.status).to.equal(400);
    expect(answer.body?.errors).to.deep.equal([
      "'version' is invalid (must be one of the following: '4')",
    ]);
  });
});
