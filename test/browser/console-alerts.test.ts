import { mkdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { Page } from "playwright-core";
import { ApiKeyRole } from "../../gen/pager/v1/api_key_service_pb.js";
import { EscalationPolicyService } from "../../gen/pager/v1/escalation_policy_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { createKey, type TestKey } from "../support/api-keys.js";
import { type ConsoleHarness, startConsoleHarness } from "../support/console-harness.js";
import {
  AlertState,
  NotificationState,
  notificationsOf,
  seconds,
  target,
  uniqueName,
} from "../support/pager-fixtures.js";
import { eventually } from "../support/pager-harness.js";

const { method } = PagerService;
/**
 * The README's screenshots are taken by this test; they are written over
 * only on request (UPDATE_SCREENSHOTS=1), so a test run leaves the checkout
 * as it found it. Otherwise they go to a temporary directory.
 */
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === "1"
    ? "docs/screenshots"
    : path.join(os.tmpdir(), `pager-screenshots-${process.pid}`);

/**
 * The Alerts and Alert views in a real Chromium against a real pager: live
 * updates through WatchAlerts, acknowledging, the timeline, and what each
 * role is offered.
 */
describe("web console: alerts, live, by role", () => {
  let h: ConsoleHarness;
  let responder: TestKey;
  let viewer: TestKey;

  before(async () => {
    h = await startConsoleHarness();
    responder = await createKey(h.client, ApiKeyRole.RESPONDER, { name: "ana (on call)" });
    viewer = await createKey(h.client, ApiKeyRole.VIEWER, { name: "status board" });
  });
  after(async () => {
    await h?.stop();
    if (process.env.UPDATE_SCREENSHOTS !== "1")
      await rm(SCREENSHOTS, { recursive: true, force: true });
  });

  /** A service whose level 0 waits `firstDelayS` before level 1 is paged; one email per level. */
  async function serviceWithTwoLevels(name: string, firstDelayS: number) {
    const { escalationPolicy } = await h.client.call(
      EscalationPolicyService.method.createEscalationPolicy,
      {
        name: `${name} on-call`,
        levels: [
          {
            targets: [target.email(`${name}-primary@example.com`)],
            ackTimeout: seconds(firstDelayS),
          },
          { targets: [target.email(`${name}-secondary@example.com`)], ackTimeout: seconds(600) },
        ],
      },
    );
    const { monitoredService } = await h.client.call(method.createMonitoredService, {
      name,
      escalationPolicyId: escalationPolicy?.id ?? "",
    });
    if (monitoredService === undefined) throw new Error("no service");
    return monitoredService;
  }

  function row(page: Page, alertId: string) {
    return page.locator(`tr[data-alert-id="${alertId}"]`);
  }

  it("a responder sees a new alert within 2 s, escalation live, acknowledges it, and reads its timeline", async () => {
    // Company for the screenshot of the Alerts view: one resolved, one still triggered.
    const billing = await serviceWithTwoLevels("billing", 600);
    await h.client.call(method.sendAlert, {
      monitoredServiceId: billing.id,
      message: "invoice run late",
    });
    await h.client.call(method.resolveAlert, {
      subject: { case: "monitoredServiceId", value: billing.id },
    });
    const search = await serviceWithTwoLevels("search-api", 600);
    await h.client.call(method.sendAlert, {
      monitoredServiceId: search.id,
      message: "index lag above 5 minutes",
    });
    const service = await serviceWithTwoLevels("payments-api", 1);
    const page = await h.newPage();
    await h.signIn(page, responder.secret);
    await page.getByRole("status").filter({ hasText: "Live" }).waitFor();
    expect(await page.getByRole("link", { name: "Keys" }).count()).to.equal(0);
    // Survives only if the page is never reloaded.
    await page.evaluate(() => {
      (globalThis as { marker?: string }).marker = "same page";
    });

    const { alert } = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "p99 latency above 2s",
    });
    const alertId = alert?.id ?? "";
    await row(page, alertId).waitFor({ timeout: 2000 });
    expect(await row(page, alertId).locator('[data-label="State"]').textContent()).to.equal(
      "Triggered",
    );
    expect(await row(page, alertId).locator('[data-label="Service"]').textContent()).to.equal(
      "payments-api",
    );
    expect(await row(page, alertId).locator(".level").textContent()).to.equal("0");

    // Its 1 s delay runs out: level 1 is paged, and the view follows.
    await row(page, alertId).locator(".level", { hasText: "1" }).waitFor({ timeout: 5000 });
    // The level-1 page delivered before acknowledging, so the timeline's order is known.
    await eventually(async () => {
      const pages = await notificationsOf(h.client, alertId);
      expect(pages.map((p) => [p.level, p.state])).to.deep.equal([
        [0, NotificationState.SENT],
        [1, NotificationState.SENT],
      ]);
    });

    await row(page, alertId).getByRole("link", { name: "p99 latency above 2s" }).click();
    await page.getByRole("button", { name: "Acknowledge" }).click();
    await page.locator("dd.acknowledged-by", { hasText: responder.name }).waitFor();
    expect(await page.locator("dl.facts .badge").textContent()).to.equal("Acknowledged");
    expect(await page.getByRole("button", { name: "Acknowledge" }).count()).to.equal(0);

    const { alert: stored } = await h.client.call(method.getAlert, { alertId });
    expect(stored?.state).to.equal(AlertState.ACKNOWLEDGED);
    expect(stored?.acknowledgedBy).to.equal(responder.name);

    const timeline = page.locator("ol.timeline li");
    await timeline.filter({ hasText: "Acknowledged" }).waitFor();
    const kinds = await timeline.evaluateAll((items) =>
      items.map((item) => item.getAttribute("data-kind")),
    );
    expect(kinds).to.deep.equal([
      "triggered",
      "pageQueued",
      "pageSent",
      "escalated",
      "pageQueued",
      "pageSent",
      "acknowledged",
    ]);
    const acknowledged = await timeline.last().textContent();
    expect(acknowledged).to.contain(`by ${responder.name}`);
    expect(acknowledged).to.contain(`key ${responder.name}`);
    expect(await page.locator("table.notifications tbody tr").count()).to.equal(2);

    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOTS}/alert-timeline.png`, fullPage: true });
    await page.getByRole("link", { name: "← All alerts" }).click();
    await row(page, alertId).locator('[data-label="State"]', { hasText: "Acknowledged" }).waitFor();
    expect(await row(page, alertId).locator(".acknowledged-by").textContent()).to.equal(
      responder.name,
    );
    await page.locator("body").screenshot({ path: `${SCREENSHOTS}/alerts.png` });
    for (const shot of ["alerts.png", "alert-timeline.png"]) {
      expect((await stat(`${SCREENSHOTS}/${shot}`)).size).to.be.greaterThan(10_000);
    }
    expect(await page.evaluate(() => (globalThis as { marker?: string }).marker)).to.equal(
      "same page",
    );
  });

  it("a viewer is offered no Acknowledge button, and the API refuses the call when forced", async () => {
    const service = await serviceWithTwoLevels(uniqueName("search"), 600);
    const { alert } = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "index lag",
      details: { severity: "warning", "label.instance": "search-3:9100" },
    });
    const alertId = alert?.id ?? "";
    // A resolved alert of another service, newer: listed, after every active one.
    const other = await serviceWithTwoLevels(uniqueName("billing"), 600);
    const { alert: old } = await h.client.call(method.sendAlert, {
      monitoredServiceId: other.id,
      message: "invoice run late",
    });
    await h.client.call(method.resolveAlert, {
      subject: { case: "monitoredServiceId", value: other.id },
    });
    const page = await h.newPage();
    await h.signIn(page, viewer.secret);
    await row(page, old?.id ?? "")
      .locator('[data-label="State"]', { hasText: "Resolved" })
      .waitFor();
    const states = await page
      .locator('tr[data-alert-id] [data-label="State"]')
      .evaluateAll((cells) => cells.map((cell) => cell.textContent));
    expect(states.lastIndexOf("Resolved")).to.equal(states.length - 1);
    expect(states.indexOf("Resolved")).to.be.greaterThan(states.lastIndexOf("Triggered"));
    expect(states.indexOf("Resolved")).to.be.greaterThan(states.lastIndexOf("Acknowledged"));
    expect(await page.locator(".who").textContent()).to.contain("viewer");
    await row(page, alertId).getByRole("link", { name: "index lag" }).click();
    await page.getByRole("heading", { name: "Timeline" }).waitFor();
    expect(await page.locator("dl.facts .badge").textContent()).to.equal("Triggered");
    expect(await page.getByRole("button", { name: "Acknowledge" }).count()).to.equal(0);
    expect(await page.getByRole("button", { name: "Resolve" }).count()).to.equal(0);
    const details = await page
      .locator("dl.details > div")
      .evaluateAll((pairs) => pairs.map((pair) => pair.textContent));
    expect(details).to.deep.equal(["label.instancesearch-3:9100", "severitywarning"]);

    // The same call the button would make, from the page, with the viewer's key.
    const forced = await page.evaluate(
      async ([id, key]) => {
        const response = await fetch("/pager.v1.PagerService/AcknowledgeAlert", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
          body: JSON.stringify({ alertId: id }),
        });
        return { status: response.status, body: (await response.json()) as { code?: string } };
      },
      [alertId, viewer.secret] as const,
    );
    expect(forced.status).to.equal(403);
    expect(forced.body.code).to.equal("permission_denied");
    const { alert: stored } = await h.client.call(method.getAlert, { alertId });
    expect(stored?.state).to.equal(AlertState.TRIGGERED);
  });

  it("keeps the key for the tab only: a reload stays signed in, another tab is not, signing out forgets it", async () => {
    const page = await h.newPage();
    await h.signIn(page, viewer.secret);
    expect(await page.evaluate("Object.values(sessionStorage)")).to.deep.equal([viewer.secret]);
    expect(await page.evaluate("localStorage.length")).to.equal(0);
    await page.reload();
    await page.getByRole("button", { name: "Sign out" }).waitFor();

    const other = await h.newPage();
    await other.goto(`${h.baseUrl}/`);
    await other.getByLabel("API key").waitFor();
    expect(await other.getByRole("button", { name: "Sign out" }).count()).to.equal(0);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API key").waitFor();
    expect(await page.evaluate("sessionStorage.length")).to.equal(0);
  });

  it("refuses a key that is not a person's, and an unknown one, at sign-in", async () => {
    const integration = await createKey(h.client, ApiKeyRole.INTEGRATION);
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/`);
    for (const [secret, problem] of [
      [integration.secret, "This key is for machines (role integration)"],
      ["0".repeat(32), "Not signed in"],
    ] as const) {
      await page.getByLabel("API key").fill(secret);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").filter({ hasText: problem }).waitFor();
      expect(await page.evaluate("sessionStorage.length")).to.equal(0);
    }
  });
});
