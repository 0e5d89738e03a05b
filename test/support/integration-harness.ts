import { MonitoredServiceHealth } from "../../gen/pager/v1/monitored_service_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { FakeSmtpServer, type ReceivedEmail } from "./fake-smtp-server.js";
import { FixedIntegrationKeys } from "./fixed-integration-keys.js";
import { createServiceWithTargets, target, uniqueName } from "./pager-fixtures.js";
import { type PagerHarness, startPagerHarness } from "./pager-harness.js";

/** A monitored service whose level 0 pages one email address, and its integration key. */
export interface PagedService {
  readonly serviceId: string;
  readonly serviceName: string;
  readonly email: string;
  /** The integration key's secret: the routing key, or the bearer token. */
  readonly key: string;
}

/** A pager as monitoring systems reach it: over HTTP on its port, paging a fake SMTP relay. */
export interface IntegrationHarness {
  readonly pager: PagerHarness;
  readonly smtp: FakeSmtpServer;
  /** The integration keys the pager knows: a test double of the key port. */
  readonly keys: FixedIntegrationKeys;
  /** `http://host:port` of the pager, for Alertmanager's configuration. */
  readonly baseUrl: string;
  /** A fresh service, its email target and an integration key bound to it. */
  pagedService(keyName?: string): Promise<PagedService>;
  /** The service's alerts, read through the API. */
  alertsOf(serviceId: string): ReturnType<typeof listAlerts>;
  /** Whether the service is healthy, read through the API. */
  isHealthy(serviceId: string): Promise<boolean>;
  emailsTo(address: string): ReceivedEmail[];
  stop(): Promise<void>;
}

async function listAlerts(pager: PagerHarness, monitoredServiceId: string) {
  const { alerts } = await pager.client.call(PagerService.method.listAlerts, {
    monitoredServiceId,
  });
  return alerts;
}

/**
 * Starts a fake SMTP relay and a pager whose email channel is live against
 * it, with integration keys from the test double of the key port (the
 * timer worker off: nothing escalates behind a test's back).
 */
export async function startIntegrationHarness(): Promise<IntegrationHarness> {
  const smtp = await FakeSmtpServer.start();
  const keys = new FixedIntegrationKeys();
  let pager: PagerHarness;
  try {
    pager = await startPagerHarness({ ...smtp.env(), PAGER_TIMER_WORKER: "off" }, undefined, {
      integrationKeys: keys,
    });
  } catch (error) {
    await smtp.close();
    throw error;
  }
  return {
    pager,
    smtp,
    keys,
    baseUrl: `http://${pager.address}`,
    async pagedService(keyName = "alertmanager") {
      const email = `${uniqueName("oncall")}@example.com`;
      const { service } = await createServiceWithTargets(pager.client, [[target.email(email)]]);
      return {
        serviceId: service.id,
        serviceName: service.name,
        email,
        key: keys.add(service.id, keyName),
      };
    },
    alertsOf: (serviceId) => listAlerts(pager, serviceId),
    async isHealthy(serviceId) {
      const { monitoredService } = await pager.client.call(
        PagerService.method.getMonitoredService,
        { monitoredServiceId: serviceId },
      );
      return monitoredService?.health === MonitoredServiceHealth.HEALTHY;
    },
    emailsTo: (address) => smtp.sentTo(address),
    async stop() {
      await pager.stop();
      await smtp.close();
    },
  };
}
