import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { ApiKeyRole } from "../../gen/pager/v1/api_key_service_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { createKey } from "../support/api-keys.js";
import { type ConsoleHarness, startConsoleHarness } from "../support/console-harness.js";
import { GrpcTestClient } from "../support/grpc-client.js";
import { AlertState, createServiceWithPolicy } from "../support/pager-fixtures.js";
import { makeTestCertificates, type TestCertificates } from "../support/test-certificates.js";
import { TEST_KEYS } from "../support/test-keys.js";

const { method } = PagerService;

/**
 * The console over TLS, where Chromium speaks HTTP/2 (ALPN h2): the page,
 * its files, its calls and the WatchAlerts stream all on the one port.
 */
describe("web console: over TLS and HTTP/2", () => {
  let certs: TestCertificates;
  let h: ConsoleHarness;
  let admin: GrpcTestClient;

  before(async () => {
    certs = makeTestCertificates();
    h = await startConsoleHarness({
      PAGER_TLS_CERT: certs.server.certPath,
      PAGER_TLS_KEY: certs.server.keyPath,
    });
    admin = new GrpcTestClient(
      h.address,
      TEST_KEYS.admin,
      grpc.credentials.createSsl(certs.ca.cert),
    );
  });
  after(async () => {
    admin?.close();
    await h?.stop();
    certs?.remove();
  });

  // A stream still open has no resource timing yet; the row appearing live is its proof.
  it("serves the console over h2, follows a new alert live and acknowledges it", async () => {
    const responder = await createKey(admin, ApiKeyRole.RESPONDER);
    const { service } = await createServiceWithPolicy(admin);
    const page = await h.newPage();
    await h.signIn(page, responder.secret);
    await page.getByRole("status").filter({ hasText: "Live" }).waitFor();

    const { alert } = await admin.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "certificate expires in 3 days",
    });
    const row = page.locator(`tr[data-alert-id="${alert?.id}"]`);
    await row.waitFor({ timeout: 2000 });
    await row.getByRole("link").click();
    await page.getByRole("button", { name: "Acknowledge" }).click();
    await page.locator("dd.acknowledged-by", { hasText: responder.name }).waitFor();
    const { alert: stored } = await admin.call(method.getAlert, { alertId: alert?.id ?? "" });
    expect(stored?.state).to.equal(AlertState.ACKNOWLEDGED);

    const protocols = (await page.evaluate(
      `[...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
        .map((entry) => new URL(entry.name).pathname + " " + entry.nextHopProtocol)`,
    )) as string[];
    for (const path of [
      "/ h2",
      "/assets/main.js h2",
      "/pager.v1.ApiKeyService/GetCurrentApiKey h2",
      "/pager.v1.PagerService/AcknowledgeAlert h2",
    ]) {
      expect(protocols).to.include(path);
    }
  });
});
