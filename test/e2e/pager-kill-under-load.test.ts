import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { PagerService, SendAlertOutcome } from "../../gen/pager/v1/pager_service_pb.js";
import { allSent } from "../support/alert-storm.js";
import { type FakeProviders, startFakeProviders } from "../support/fake-providers.js";
import { GrpcTestClient } from "../support/grpc-client.js";
import { createServiceWithTargets, target, uniqueName } from "../support/pager-fixtures.js";
import { type PagerProcess, startPagerProcess } from "../support/pager-process.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { TEST_KEYS } from "../support/test-keys.js";

const { method } = PagerService;
const SECRET = "kill-secret";
const CLIENTS = 16;
const LEASE_MS = 3000;

/**
 * The pager SIGKILLed while 16 clients send and resolve alerts, then started
 * again on the same database: every SendAlert it acknowledged is there and
 * paged, and no page reaches its target twice as two different pages.
 */
describe("the pager SIGKILLed under load and restarted (real child processes)", function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let fakes: FakeProviders;
  const servers: PagerProcess[] = [];

  before(async () => {
    [db, fakes] = await Promise.all([createTestDatabase(), startFakeProviders(SECRET)]);
  });
  after(async () => {
    await Promise.all(servers.map((server) => server.kill()));
    await fakes?.close();
    await db?.drop();
  });

  it("keeps every acknowledged alert and pages each once", async () => {
    const env = {
      ...fakes.env,
      DATABASE_URL: db.url,
      PAGER_TIMER_WORKER: "off",
      PAGER_WORKER_LEASE_MS: String(LEASE_MS),
      PAGER_DELIVERY_TIMEOUT_MS: String(LEASE_MS - 500),
    };
    const first = await startPagerProcess(env);
    servers.push(first);
    const hooks = Array.from({ length: CLIENTS }, () => fakes.hooks.url(uniqueName("kill")));
    const services = await Promise.all(
      hooks.map((url) => createServiceWithTargets(first.client, [[target.webhook(url)]])),
    );

    const acknowledged: string[] = [];
    let running = true;
    const clients = services.map(() => new GrpcTestClient(first.address, TEST_KEYS.admin));
    const load = services.map(async ({ service }, i) => {
      const client = clients[i] as GrpcTestClient;
      while (running) {
        try {
          const { outcome, alert } = await client.call(method.sendAlert, {
            monitoredServiceId: service.id,
            message: "load",
          });
          if (outcome === SendAlertOutcome.CREATED) acknowledged.push(alert?.id ?? "");
          await client.call(method.resolveAlert, {
            subject: { case: "monitoredServiceId", value: service.id },
          });
        } catch (error) {
          // The server is gone: what it answered before is what must survive.
          expect((error as grpc.ServiceError).code).to.equal(grpc.status.UNAVAILABLE);
          return;
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await first.kill();
    running = false;
    await Promise.all(load);
    for (const client of clients) client.close();
    expect(acknowledged.length, `the load created alerts (${acknowledged.length})`).to.be.above(
      CLIENTS,
    );

    const second = await startPagerProcess(env);
    servers.push(second);
    for (const alertId of acknowledged) {
      const { alert } = await second.client.call(method.getAlert, { alertId });
      expect(alert?.id, "an acknowledged SendAlert survives the kill").to.equal(alertId);
    }
    const pages = await allSent(second.client, acknowledged, 6 * LEASE_MS);
    expect(pages).to.have.length(acknowledged.length);

    // Each page reaches its target under one Idempotency-Key (its notification id): a page whose
    // delivery the killed process could not record may be delivered again after its lease, with
    // the same key, which a receiver drops; a page twice under two keys would be a double page.
    for (const [i, url] of hooks.entries()) {
      const received = fakes.hooks.receivedAt(url);
      const keysByAlert = new Map<string, Set<string>>();
      for (const hook of received) {
        const alertId = String(hook.payload.alert_id);
        keysByAlert.set(alertId, (keysByAlert.get(alertId) ?? new Set()).add(hook.idempotencyKey));
      }
      for (const [alertId, keys] of keysByAlert) {
        expect([...keys], `service ${i}, alert ${alertId}`).to.have.length(1);
      }
    }
    const delivered = new Set(
      hooks.flatMap((url) => fakes.hooks.receivedAt(url).map((h) => String(h.payload.alert_id))),
    );
    for (const alertId of acknowledged) expect(delivered.has(alertId), alertId).to.equal(true);
  });
});
