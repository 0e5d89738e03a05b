import os from "node:os";
import { Code, createClient } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { ApiKeyService } from "../../gen/pager/v1/api_key_service_pb.js";
import { EscalationPolicyService } from "../../gen/pager/v1/escalation_policy_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { connectOutcome, connectTransport } from "../support/api-keys.js";
import { type ConsoleHarness, startConsoleHarness } from "../support/console-harness.js";
import { seconds, target, uniqueName } from "../support/pager-fixtures.js";
import { eventually } from "../support/pager-harness.js";
import { TEST_KEYS } from "../support/test-keys.js";

const { method } = PagerService;

/** The page's getComputedStyle, as far as these tests use it (the tests compile without DOM types). */
interface Styles {
  getComputedStyle(element: unknown, pseudo: string): { content: string };
}

/**
 * What an admin does in the console, in a real Chromium: keys (the secret
 * shown once, working, then revoked), services (created, live health,
 * renamed, re-pointed, deleted), by keyboard and on a phone-sized screen.
 */
describe("web console: keys and services (admin)", () => {
  let h: ConsoleHarness;

  before(async () => {
    h = await startConsoleHarness();
  });
  after(async () => {
    await h?.stop();
  });

  async function policy(name: string) {
    const { escalationPolicy } = await h.client.call(
      EscalationPolicyService.method.createEscalationPolicy,
      {
        name,
        levels: [{ targets: [target.email(`${name}@example.com`)], ackTimeout: seconds(600) }],
      },
    );
    if (escalationPolicy === undefined) throw new Error("no policy");
    return escalationPolicy;
  }

  it("signs in by keyboard alone, creates a key whose secret is shown once and works, and revokes it", async () => {
    const page = await h.newPage();
    page.on("dialog", (dialog) => void dialog.accept());
    await page.goto(`${h.baseUrl}/`);
    await page.keyboard.press("Tab");
    await page.keyboard.type(TEST_KEYS.admin);
    await page.keyboard.press("Enter");
    await page.getByRole("link", { name: "Keys" }).click();

    const name = uniqueName("ana");
    await page.getByLabel("Name (who or what uses it)").fill(name);
    await page.getByLabel("Role").selectOption({ label: "responder" });
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = (await page.locator(".secret-value").textContent()) ?? "";
    expect(secret).to.match(/^[a-z0-9]{32}$/);
    const keys = createClient(ApiKeyService, connectTransport(h.baseUrl, secret));
    const { apiKey } = await keys.getCurrentApiKey({});
    expect(apiKey?.name).to.equal(name);

    await page.getByRole("button", { name: "I have copied it" }).click();
    expect(await page.locator(".secret-value").count()).to.equal(0);
    const row = page.locator("table.keys tr", { hasText: name });
    expect(await row.locator('[data-label="Ends with"]').textContent()).to.equal(
      `…${secret.slice(-4)}`,
    );
    // Shown once: nowhere on the page any more.
    expect(await page.content()).to.not.contain(secret);
    await row.getByRole("button", { name: "Revoke" }).click();
    await row.locator('[data-label="Status"]', { hasText: "Revoked" }).waitFor();
    const refused = await connectOutcome(() => keys.getCurrentApiKey({}));
    expect(refused.code).to.equal(Code.Unauthenticated);
  });

  it("creates a service, follows its health live, renames it, re-points it and deletes it", async () => {
    const first = await policy(uniqueName("first"));
    const second = await policy(uniqueName("second"));
    const page = await h.newPage();
    page.on("dialog", (dialog) => void dialog.accept());
    await h.signIn(page, TEST_KEYS.admin);
    await page.getByRole("link", { name: "Services" }).click();
    const name = uniqueName("checkout");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.locator("#new-service-policy").selectOption({ label: first.name });
    await page.getByRole("button", { name: "Create service" }).click();
    const serviceId = await eventually(async () => {
      const { monitoredServices } = await h.client.call(method.listMonitoredServices, {
        pageSize: 1000,
      });
      const created = monitoredServices.find((candidate) => candidate.name === name);
      expect(created?.escalationPolicyId).to.equal(first.id);
      return created?.id ?? "";
    });
    const row = page.locator(`tr[data-service-id="${serviceId}"]`);
    expect(await row.locator('[data-label="Health"]').textContent()).to.equal("Healthy");

    await h.client.call(method.sendAlert, { monitoredServiceId: serviceId, message: "5xx" });
    await row.locator('[data-label="Health"]', { hasText: "Unhealthy" }).waitFor({ timeout: 2000 });

    const renamed = `${name}-eu`;
    await row.getByLabel(`Name of ${name}`).fill(renamed);
    await row.getByRole("button", { name: "Rename" }).click();
    await row.locator(`#policy-of-${serviceId}`).selectOption({ label: second.name });
    const service = async () =>
      (await h.client.call(method.getMonitoredService, { monitoredServiceId: serviceId }))
        .monitoredService;
    await eventually(async () => {
      expect(await service()).to.include({ name: renamed, escalationPolicyId: second.id });
    });

    // An unhealthy service keeps its live incident: the server refuses, and the page says why.
    await row.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("alert").filter({ hasText: "resolve it before deleting" }).waitFor();
    await h.client.call(method.resolveAlert, {
      subject: { case: "monitoredServiceId", value: serviceId },
    });
    await row.locator('[data-label="Health"]', { hasText: "Healthy" }).waitFor({ timeout: 2000 });
    await row.getByRole("button", { name: "Delete" }).click();
    await row.waitFor({ state: "detached" });
    const gone = await h.client.fail(method.getMonitoredService, { monitoredServiceId: serviceId });
    expect(gone.code).to.equal(grpc.status.NOT_FOUND);
  });

  it("on a phone-sized screen the Alerts view fits its width, each cell labelled", async () => {
    const first = await policy(uniqueName("phone"));
    const { monitoredService } = await h.client.call(method.createMonitoredService, {
      name: uniqueName("mobile-api"),
      escalationPolicyId: first.id,
    });
    const { alert } = await h.client.call(method.sendAlert, {
      monitoredServiceId: monitoredService?.id ?? "",
      message: "a message long enough to need wrapping on a narrow phone screen, as they often are",
    });
    const page = await h.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await h.signIn(page, TEST_KEYS.admin);
    const row = page.locator(`tr[data-alert-id="${alert?.id}"]`);
    await row.waitFor();
    const label = await row
      .locator('[data-label="Service"]')
      .evaluate(
        (cell) => (globalThis as unknown as Styles).getComputedStyle(cell, "::before").content,
      );
    expect(label).to.equal('"Service"');
    expect(await page.evaluate("document.documentElement.scrollWidth")).to.be.at.most(390);
    await row.getByRole("link").click();
    await page.getByRole("heading", { name: "Timeline" }).waitFor();
    await page.screenshot({ path: `${os.tmpdir()}/pager-console-phone.png`, fullPage: true });
    expect(await page.evaluate("document.documentElement.scrollWidth")).to.be.at.most(390);
  });
});
