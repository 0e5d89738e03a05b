import { expect } from "chai";
import { type AlertmanagerProcess, startAlertmanager } from "../support/alertmanager-process.js";
import { FAILING_METRIC, FakeServiceExporter } from "../support/fake-service-exporter.js";
import {
  type IntegrationHarness,
  type PagedService,
  startIntegrationHarness,
} from "../support/integration-harness.js";
import type { MonitoringProgram } from "../support/monitoring-program.js";
import { AlertState } from "../support/pager-fixtures.js";
import { eventually } from "../support/pager-harness.js";
import { startPrometheus } from "../support/prometheus-process.js";

/** Prometheus first looks at its targets about 5 s after start; the rest takes seconds. */
const WAIT_MS = 40_000;

/**
 * The whole left side of the picture, with the real programs: Prometheus
 * scrapes a service, a rule fires when the service reports a failure,
 * Alertmanager routes it to the pager through `pagerduty_configs`, and the
 * on-call person gets the email. Nothing here sends the pager an alert or a
 * resolution: the test only flips the service and reads what happened.
 */
describe("Prometheus → Alertmanager → pager, with the real programs", () => {
  let m: IntegrationHarness;
  let service: PagedService;
  let exporter: FakeServiceExporter;
  let alertmanager: AlertmanagerProcess;
  let prometheus: MonitoringProgram;

  before(async () => {
    m = await startIntegrationHarness();
    service = await m.pagedService("prometheus");
    exporter = await FakeServiceExporter.start();
    alertmanager = await startAlertmanager({
      pagerdutyConfigs: { routingKey: service.key, url: `${m.baseUrl}/v2/enqueue` },
    });
    prometheus = await startPrometheus({
      scrapeTarget: exporter.target,
      alertmanager: alertmanager.address,
      rules: [
        {
          alert: "ServiceFailing",
          expr: `${FAILING_METRIC} == 1`,
          labels: { severity: "critical" },
          annotations: { summary: "the service reports a failure" },
        },
      ],
    });
  });
  after(async () => {
    await prometheus?.stop();
    await alertmanager?.stop();
    await exporter?.close();
    await m?.stop();
  });

  it("the service failing pages level 0; the service recovering resolves the alert", async () => {
    exporter.failing = true;
    const [mail] = await eventually(async () => {
      expect(m.emailsTo(service.email)).to.have.length(1);
      return m.emailsTo(service.email);
    }, WAIT_MS);
    expect(mail?.headers.get("subject")).to.match(
      new RegExp(`^\\[pager\\] ${service.serviceName}: \\[FIRING:1\\] ServiceFailing `),
    );
    const [alert] = await m.alertsOf(service.serviceId);
    expect(alert?.state).to.equal(AlertState.TRIGGERED);
    expect(await m.isHealthy(service.serviceId)).to.equal(false);

    exporter.failing = false;
    await eventually(async () => {
      expect(await m.isHealthy(service.serviceId)).to.equal(true);
    }, WAIT_MS);
    const alerts = await m.alertsOf(service.serviceId);
    expect(alerts.map((a) => [a.id, a.state])).to.deep.equal([[alert?.id, AlertState.RESOLVED]]);
    expect(m.emailsTo(service.email)).to.have.length(1);
  });
});
