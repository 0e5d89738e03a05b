import { expect } from "chai";
import type { Page } from "playwright-core";
import { ApiKeyRole } from "../../gen/pager/v1/api_key_service_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { createKey } from "../support/api-keys.js";
import { type ConsoleHarness, startConsoleHarness } from "../support/console-harness.js";
import {
  AlertState,
  createServiceWithTargets,
  target,
  uniqueName,
  uniquePhoneNumber,
} from "../support/pager-fixtures.js";

const { method } = PagerService;

/**
 * A three-level escalation whose webhook fails, followed in the Alert view
 * of a real Chromium: the failed page is retried with the view's button,
 * and the timeline the view keeps current lists every entry once, in the
 * order ListAlertEvents gives (commit order).
 */
describe("web console: a failed page retried, and the whole timeline", () => {
  let h: ConsoleHarness;

  before(async () => {
    // Timers off: the test fires each acknowledgement timeout itself.
    h = await startConsoleHarness({
      PAGER_TIMER_WORKER: "off",
      PAGER_MAX_DELIVERY_ATTEMPTS: "2",
      PAGER_DELIVERY_RETRY_BASE_MS: "1",
    });
  });
  after(async () => {
    await h?.stop();
  });

  function page$(page: Page, level: number) {
    return page.locator("table.notifications tbody tr", {
      has: page.locator('[data-label="Level"]', { hasText: String(level) }),
    });
  }

  async function timeout(alertId: string, level: number) {
    h.clock.advance(60_000);
    await h.client.call(method.handleAcknowledgementTimeout, { alertId, level });
  }

  it("shows the failed webhook, retries it with the button, and lists every entry once, in commit order", async () => {
    const hookUrl = h.fakes.hooks.url(uniqueName("hook"));
    const { service } = await createServiceWithTargets(h.client, [
      [target.email(`${uniqueName("first")}@example.com`)],
      [target.webhook(hookUrl)],
      [target.sms(uniquePhoneNumber())],
    ]);
    h.fakes.hooks.scriptFor(hookUrl, 503, 503);
    const responder = await createKey(h.client, ApiKeyRole.RESPONDER);
    const page = await h.newPage();
    await h.signIn(page, responder.secret);
    const { alert } = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "checkout errors above 5%",
    });
    const alertId = alert?.id ?? "";
    await page.goto(`${h.baseUrl}/#/alerts/${alertId}`);
    await page$(page, 0).locator('[data-label="State"]', { hasText: "Sent" }).waitFor();

    await timeout(alertId, 0);
    const webhook = page$(page, 1);
    await webhook.locator('[data-label="State"]', { hasText: "Failed" }).waitFor();
    expect(await webhook.locator('[data-label="Attempts"]').textContent()).to.equal("2");
    expect(await webhook.locator('[data-label="Last error"]').textContent()).to.match(
      /^the webhook answered HTTP 503/,
    );
    await webhook.getByRole("button", { name: "Retry failed page" }).click();
    await webhook.locator('[data-label="State"]', { hasText: "Sent" }).waitFor();
    expect(await webhook.locator('[data-label="Attempts"]').textContent()).to.equal("3");
    expect(await webhook.getByRole("button", { name: "Retry failed page" }).count()).to.equal(0);

    await timeout(alertId, 1);
    await page$(page, 2).locator('[data-label="State"]', { hasText: "Sent" }).waitFor();
    await timeout(alertId, 2);
    await page.getByRole("button", { name: "Acknowledge" }).click();
    await page.locator("dd.acknowledged-by", { hasText: responder.name }).waitFor();
    await page.getByRole("button", { name: "Resolve" }).click();
    await page.locator("dl.facts .badge", { hasText: "Resolved" }).waitFor();
    const { alert: stored } = await h.client.call(method.getAlert, { alertId });
    expect(stored?.state).to.equal(AlertState.RESOLVED);

    const { events } = await h.client.call(method.listAlertEvents, { alertId, pageSize: 1000 });
    const items = page.locator("ol.timeline li");
    await items.nth(events.length - 1).waitFor();
    const shown = await items.evaluateAll((lis) =>
      lis.map((li) => `${li.getAttribute("data-event-id")} ${li.getAttribute("data-kind")}`),
    );
    expect(shown).to.deep.equal(events.map((event) => `${event.id} ${event.kind.case}`));
    expect(shown.map((entry) => entry.split(" ")[1])).to.deep.equal([
      "triggered",
      "pageQueued",
      "pageSent",
      "escalated",
      "pageQueued",
      "pageFailed",
      "pageFailed",
      "notificationRetried",
      "pageSent",
      "escalated",
      "pageQueued",
      "pageSent",
      "timeoutIgnored",
      "acknowledged",
      "resolved",
    ]);
    expect(await items.filter({ hasText: "Page failed for good" }).count()).to.equal(1);
    expect(await items.filter({ hasText: "the last level was already paged" }).count()).to.equal(1);
  });
});
