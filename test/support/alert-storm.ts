import { expect } from "chai";
import { PagerService, SendAlertOutcome } from "../../gen/pager/v1/pager_service_pb.js";
import type { FakeTwilio } from "./fake-twilio.js";
import type { FakeWebhookReceiver } from "./fake-webhook-receiver.js";
import type { GrpcTestClient } from "./grpc-client.js";
import {
  createServiceWithTargets,
  NotificationState,
  notificationsOf,
  target,
  uniqueName,
  uniquePhoneNumber,
} from "./pager-fixtures.js";
import { eventually } from "./pager-harness.js";

/** Who a storm pages: every service's level 0 has these phones and webhook URLs. */
export interface StormTargets {
  readonly phones: readonly string[];
  readonly webhooks: readonly string[];
}

/** Fresh phone numbers and receiver URLs, so counts at the fakes are this storm's alone. */
export function stormTargets(hooks: FakeWebhookReceiver, phones: number, webhooks: number) {
  return {
    phones: Array.from({ length: phones }, () => uniquePhoneNumber()),
    webhooks: Array.from({ length: webhooks }, () => hooks.url(uniqueName("storm"))),
  };
}

/**
 * Many services go down at once: `services` services on policies paging
 * `targets`, and for each one alert through every client at the same instant
 * (the duplicates are suppressed: one active alert per service). Resolves
 * with the ids of the alerts that were created.
 */
export async function alertStorm(
  clients: readonly GrpcTestClient[],
  services: number,
  targets: StormTargets,
): Promise<string[]> {
  const [first] = clients;
  if (first === undefined) throw new Error("no client");
  const level = [...targets.phones.map(target.sms), ...targets.webhooks.map(target.webhook)];
  const created = await Promise.all(
    Array.from({ length: services }, () => createServiceWithTargets(first, [level])),
  );
  const results = await Promise.all(
    created.flatMap(({ service }) =>
      clients.map((client) =>
        client.call(PagerService.method.sendAlert, {
          monitoredServiceId: service.id,
          message: "storm",
        }),
      ),
    ),
  );
  const alertIds = results
    .filter((r) => r.outcome === SendAlertOutcome.CREATED)
    .map((r) => r.alert?.id ?? "");
  expect(alertIds).to.have.length(services);
  return alertIds;
}

/** Waits until every page of these alerts is SENT, and returns their attempt counts. */
export async function allSent(
  client: GrpcTestClient,
  alertIds: readonly string[],
  timeoutMs: number,
) {
  return eventually(async () => {
    const pages = (await Promise.all(alertIds.map((id) => notificationsOf(client, id)))).flat();
    expect(pages.filter((p) => p.state !== NotificationState.SENT)).to.deep.equal([]);
    return pages;
  }, timeoutMs);
}

/**
 * The providers' side of "exactly once": every (target, alert) pair was
 * accepted by its fake exactly once, and nothing else of this storm arrived.
 */
export function expectEachPageOnce(
  twilio: FakeTwilio,
  hooks: FakeWebhookReceiver,
  targets: StormTargets,
  alertIds: readonly string[],
): void {
  const expected = alertIds.flatMap((alertId) =>
    [...targets.phones, ...targets.webhooks].map((to) => `${to} ${alertId}`),
  );
  const sms = targets.phones.flatMap((phone) =>
    twilio.sentTo(phone).map((m) => `${phone} ${/\(alert ([0-9a-f-]{36}),/.exec(m.body)?.[1]}`),
  );
  const webhooks = targets.webhooks.flatMap((url) =>
    hooks.receivedAt(url).map((hook) => `${url} ${hook.payload.alert_id}`),
  );
  expect([...sms, ...webhooks].sort()).to.deep.equal(expected.sort());
}
