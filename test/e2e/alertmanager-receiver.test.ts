import { expect } from "chai";
import { diskNotification } from "../support/alertmanager-payloads.js";
import {
  type IntegrationHarness,
  startIntegrationHarness,
} from "../support/integration-harness.js";
import { AlertState } from "../support/pager-fixtures.js";
import { postJson } from "../support/post-json.js";

/**
 * The Alertmanager webhook receiver against a real pager, with integration
 * keys from a test double of the key port: bearer authentication, firing
 * and resolved groups, and the refusals. The real Alertmanager drives the
 * same endpoint in test/monitoring.
 */
describe("Alertmanager webhook receiver: POST /integrations/alertmanager", () => {
  let m: IntegrationHarness;
  let url: string;

  before(async () => {
    m = await startIntegrationHarness();
    url = `${m.baseUrl}/integrations/alertmanager`;
  });
  after(async () => {
    await m?.stop();
  });

  async function serviceWithKey() {
    const service = await m.pagedService("alertmanager-prod");
    return { serviceId: service.serviceId, auth: { authorization: `Bearer ${service.key}` } };
  }

  it("firing: triggers an alert on the key's service; resolved: the healthy event", async () => {
    const { serviceId, auth } = await serviceWithKey();
    const firing = await postJson(url, diskNotification("firing"), auth);
    expect(firing.status).to.equal(200);
    expect(firing.body).to.deep.equal({
      status: "success",
      message: "Event processed",
      dedup_key: '{}:{alertname="Disk"}',
    });
    const [alert] = await m.alertsOf(serviceId);
    expect(alert).to.include({
      message: "disk full",
      dedupKey: '{}:{alertname="Disk"}',
      state: AlertState.TRIGGERED,
    });
    expect(alert?.details).to.include({ severity: "critical", "label.instance": "db1" });

    const resolved = await postJson(url, diskNotification("resolved"), auth);
    expect(resolved.status).to.equal(200);
    const [after] = await m.alertsOf(serviceId);
    expect(after?.state).to.equal(AlertState.RESOLVED);
    expect(await m.isHealthy(serviceId)).to.equal(true);
  });

  it("resolved for another group: nothing changes", async () => {
    const { serviceId, auth } = await serviceWithKey();
    await postJson(url, diskNotification("firing"), auth);
    const other = await postJson(url, diskNotification("resolved", '{}:{alertname="Cpu"}'), auth);
    expect(other.status).to.equal(200);
    const [alert] = await m.alertsOf(serviceId);
    expect(alert?.state).to.equal(AlertState.TRIGGERED);
  });

  it("without a bearer token, or with an unknown one: 401, nothing written", async () => {
    const { serviceId } = await serviceWithKey();
    const attempts: Record<string, string>[] = [
      {},
      { authorization: "Basic dXNlcjpwYXNz" },
      { authorization: "Bearer 0123456789abcdef0123456789abcdef" },
    ];
    for (const headers of attempts) {
      const answer = await postJson(url, diskNotification("firing"), headers);
      expect(answer.status).to.equal(401);
      expect(answer.headers.get("www-authenticate")).to.equal('Bearer realm="pager"');
    }
    expect(await m.alertsOf(serviceId)).to.deep.equal([]);
  });

  it("a notification that is not version 4: 400 naming the field", async () => {
    const { auth } = await serviceWithKey();
    const answer = await postJson(url, { ...diskNotification("firing"), version: "5" }, auth);
    expect(answer.status).to.equal(400);
    expect(answer.body?.errors).to.deep.equal([
      "'version' is invalid (must be one of the following: '4')",
    ]);
  });
});
