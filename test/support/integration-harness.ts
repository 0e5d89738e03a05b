import {
  ApiKeyRole,
  ApiKeyService,
  type RateLimit,
} from "../../gen/pager/v1/api_key_service_pb.js";
import { MonitoredServiceHealth } from "../../gen/pager/v1/monitored_service_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { createKey, type TestKey } from "./api-keys.js";
import { FakeSmtpServer, type ReceivedEmail } from "./fake-smtp-server.js";
import { createServiceWithTargets, target, uniqueName } from "./pager-fixtures.js";
import { type PagerHarness, startPagerHarness } from "./pager-harness.js";
import { SwitchableKeyStore } from "./switchable-key-store.js";

/** A monitored service whose level 0 pages one email address, and its integration key. */
export interface PagedService {
  readonly serviceId: string;
  readonly serviceName: string;
  readonly email: string;
  /** The integration key's secret: the routing key, or the bearer token. */
  readonly key: string;
  /** The integration key's id, to revoke it. */
  readonly keyId: string;
  /** The key's name (unique: the prefix asked for and a suffix), what acts through it. */
  readonly keyName: string;
}

/** A pager as monitoring systems reach it: over HTTP on its port, paging a fake SMTP relay. */
export interface IntegrationHarness {
  readonly pager: PagerHarness;
  readonly smtp: FakeSmtpServer;
  /** Makes the pager's integration-key lookup fail while `down`. */
  readonly keyStore: SwitchableKeyStore;
  /** `http://host:port` of the pager, for Alertmanager's configuration. */
  readonly baseUrl: string;
  /** A fresh service, its email target and an integration key bound to it. */
  pagedService(keyName?: string): Promise<PagedService>;
  /** Another integration API key bound to the service, optionally with its own rate limit. */
  integrationKey(serviceId: string, rateLimit?: RateLimit): Promise<TestKey>;
  /** Revokes a key through the API, as an operator would. */
  revoke(keyId: string): Promise<void>;
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
 * it; integration keys are real API keys made through the API (the timer
 * worker off: nothing escalates behind a test's back).
 */
export async function startIntegrationHarness(): Promise<IntegrationHarness> {
  const smtp = await FakeSmtpServer.start();
  const keyStore = new SwitchableKeyStore();
  let pager: PagerHarness;
  try {
    pager = await startPagerHarness({ ...smtp.env(), PAGER_TIMER_WORKER: "off" }, undefined, {
      integrationKeys: (real) => keyStore.wrap(real),
    });
  } catch (error) {
    await smtp.close();
    throw error;
  }
  const integrationKey = (serviceId: string, rateLimit?: RateLimit, name?: string) =>
    createKey(pager.client, ApiKeyRole.INTEGRATION, {
      monitoredServiceId: serviceId,
      ...(rateLimit === undefined ? {} : { rateLimit }),
      ...(name === undefined ? {} : { name }),
    });
  return {
    pager,
    smtp,
    keyStore,
    baseUrl: `http://${pager.address}`,
    async pagedService(keyName = "alertmanager") {
      const email = `${uniqueName("oncall")}@example.com`;
      const { service } = await createServiceWithTargets(pager.client, [[target.email(email)]]);
      const key = await integrationKey(service.id, undefined, uniqueName(keyName));
      return {
        serviceId: service.id,
        serviceName: service.name,
        email,
        key: key.secret,
        keyId: key.id,
        keyName: key.name,
      };
    },
    integrationKey: (serviceId, rateLimit) => integrationKey(serviceId, rateLimit),
    async revoke(keyId) {
      await pager.client.call(ApiKeyService.method.revokeApiKey, { apiKeyId: keyId });
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
