import { expect } from "chai";
import {
  type AlertmanagerProcess,
  type AlertmanagerReceiver,
  startAlertmanager,
} from "../support/alertmanager-process.js";
import {
  type IntegrationHarness,
  type PagedService,
  startIntegrationHarness,
} from "../support/integration-harness.js";
import { AlertState } from "../support/pager-fixtures.js";
import { eventually } from "../support/pager-harness.js";

/** Alertmanager's own timing: a group's first notification at once, its resolution within seconds. */
const WAIT_MS = 20_000;

/** The two ways the README tells operators to point Alertmanager at the pager. */
const RECEIVERS: {
  name: string;
  receiver: (baseUrl: string, service: PagedService) => AlertmanagerReceiver;
  message: string;
  severity: string;
}[] = [
  {
    name: "pagerduty_configs with url pointing at /v2/enqueue",
    receiver: (baseUrl, service) => ({
      pagerdutyConfigs: { routingKey: service.key, url: `${baseUrl}/v2/enqueue` },
    }),
    // Alertmanager's default PagerDuty description and severity.
    message: "[FIRING:1] DiskFull (db-1 critical)",
    severity: "error",
  },
  {
    name: "webhook_configs with a bearer token, at /integrations/alertmanager",
    receiver: (baseUrl, service) => ({
      webhookConfigs: { url: `${baseUrl}/integrations/alertmanager`, bearerToken: service.key },
    }),
    message: "disk full on db-1",
    severity: "critical",
  },
];

/**
 * The real Alertmanager (Debian's 0.25) pages through the pager with nothing
 * but its own configuration: an alert posted to its API becomes a pager
 * alert on the key's service and pages level 0 by email; ending it there
 * resolves the alert and the service is healthy again.
 */
for (const { name, receiver, message, severity } of RECEIVERS) {
  describe(`Alertmanager → pager through ${name}`, () => {
    let m: IntegrationHarness;
    let alertmanager: AlertmanagerProcess;
    let service: PagedService;

    before(async () => {
      m = await startIntegrationHarness();
      service = await m.pagedService();
      alertmanager = await startAlertmanager(receiver(m.baseUrl, service));
    });
    after(async () => {
      await alertmanager?.stop();
      await m?.stop();
    });

    const diskFull = {
      labels: { alertname: "DiskFull", instance: "db-1", severity: "critical" },
      annotations: { summary: "disk full on db-1" },
    };

    it("an alert posted to Alertmanager pages level 0; ending it resolves the alert", async () => {
      const startsAt = new Date(Date.now() - 60_000).toISOString();
      await alertmanager.postAlerts([{ ...diskFull, startsAt }]);

      const [mail] = await eventually(async () => {
        expect(m.emailsTo(service.email)).to.have.length(1);
        return m.emailsTo(service.email);
      }, WAIT_MS);
      expect(mail?.headers.get("subject")).to.equal(`[pager] ${service.serviceName}: ${message}`);
      expect(mail?.text).to.include("severity:");
      const [alert] = await m.alertsOf(service.serviceId);
      expect(alert).to.include({ state: AlertState.TRIGGERED, message });
      expect(alert?.details.severity).to.equal(severity);
      expect(await m.isHealthy(service.serviceId)).to.equal(false);

      await alertmanager.postAlerts([
        { ...diskFull, startsAt, endsAt: new Date(Date.now() - 1000).toISOString() },
      ]);
      await eventually(async () => {
        expect(await m.isHealthy(service.serviceId)).to.equal(true);
      }, WAIT_MS);
      const [resolved] = await m.alertsOf(service.serviceId);
      expect(resolved).to.include({ id: alert?.id, state: AlertState.RESOLVED });
      expect(m.emailsTo(service.email)).to.have.length(1);
    });
  });
}
