import { expect } from "chai";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { type ConsoleHarness, startConsoleHarness } from "../support/console-harness.js";
import {
  AlertState,
  createServiceWithTargets,
  target,
  uniqueName,
} from "../support/pager-fixtures.js";
import { eventually } from "../support/pager-harness.js";

const { method } = PagerService;
const LIFETIME_MS = 60_000;

/**
 * The page behind a page's acknowledgement link, in a real Chromium: the
 * link arrives in an email at a real SMTP server; opening it shows the
 * alert and acknowledges nothing; the button does, without any key.
 */
describe("web console: the acknowledgement link's page", () => {
  let h: ConsoleHarness;

  before(async () => {
    // Timers off: the test moves the clock past the link's lifetime.
    h = await startConsoleHarness({
      PAGER_ACK_LINK_TTL_MS: String(LIFETIME_MS),
      PAGER_TIMER_WORKER: "off",
    });
  });
  after(async () => {
    await h?.stop();
  });

  /** A triggered alert paging a fresh address, and the link of the email it got. */
  async function pagedByEmail(message: string) {
    const address = `${uniqueName("oncall")}@example.com`;
    const { service } = await createServiceWithTargets(h.client, [[target.email(address)]]);
    const { alert } = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message,
    });
    const mail = await eventually(async () => {
      const [received] = h.fakes.smtp.sentTo(address);
      expect(received).to.not.equal(undefined);
      return received;
    });
    const link = new RegExp(`(${h.baseUrl}/ack/[A-Za-z0-9_-]{50})\\n`).exec(mail?.text ?? "")?.[1];
    if (link === undefined || alert === undefined) throw new Error(`no link in: ${mail?.text}`);
    return { address, service, alert, link };
  }

  async function stateOf(alertId: string) {
    const { alert } = await h.client.call(method.getAlert, { alertId });
    return alert;
  }

  it("opening the link shows the alert and changes nothing; the button acknowledges, as the target", async () => {
    const { address, service, alert, link } = await pagedByEmail("disk full on db-1");
    // What a mail scanner does: fetch the link. Nothing changes.
    expect((await fetch(link)).status).to.equal(200);
    const page = await h.newPage();
    await page.goto(link);
    await page.getByRole("heading", { name: service.name }).waitFor();
    expect(await page.locator(".message").textContent()).to.equal("disk full on db-1");
    expect(await page.locator(".badge").textContent()).to.equal("Triggered");
    expect(await page.getByText(`email ${address}`).count()).to.equal(1);
    expect((await stateOf(alert.id))?.state).to.equal(AlertState.TRIGGERED);
    // The page itself is not signed in: no key in this tab.
    expect(await page.evaluate("sessionStorage.length")).to.equal(0);

    await page.getByRole("button", { name: "Acknowledge" }).click();
    await page.getByRole("status").filter({ hasText: "Acknowledged" }).waitFor();
    expect(await page.locator("dd.acknowledged-by").textContent()).to.equal(address);
    expect(await page.getByRole("button", { name: "Acknowledge" }).count()).to.equal(0);
    const acknowledged = await stateOf(alert.id);
    expect(acknowledged?.state).to.equal(AlertState.ACKNOWLEDGED);
    expect(acknowledged?.acknowledgedBy).to.equal(address);
  });

  it("an altered link, then an expired one, are refused, and the alert stays triggered", async () => {
    const { alert, link } = await pagedByEmail("queue backlog");
    const last = link.at(-1) === "A" ? "B" : "A";
    const page = await h.newPage();
    await page.goto(`${link.slice(0, -1)}${last}`);
    await page.getByRole("alert").filter({ hasText: "not valid" }).waitFor();
    expect(await page.getByRole("button", { name: "Acknowledge" }).count()).to.equal(0);

    h.clock.advance(LIFETIME_MS + 1000);
    await page.goto(link);
    await page.getByRole("alert").filter({ hasText: "expired" }).waitFor();
    expect(await page.getByRole("button", { name: "Acknowledge" }).count()).to.equal(0);
    expect((await stateOf(alert.id))?.state).to.equal(AlertState.TRIGGERED);
  });
});
