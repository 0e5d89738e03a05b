import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import { ApiKeyRole } from "../../gen/pager/v1/api_key_service_pb.js";
import { EscalationPolicyService } from "../../gen/pager/v1/escalation_policy_pb.js";
import { createKey } from "../support/api-keys.js";
import { type ConsoleHarness, startConsoleHarness } from "../support/console-harness.js";
import {
  createServiceWithPolicy,
  createTwoLevelPolicy,
  uniqueName,
} from "../support/pager-fixtures.js";
import { TEST_KEYS } from "../support/test-keys.js";

/**
 * The policy editor in a real Chromium: the server validates, and its
 * field error appears next to the field it names; a valid policy is saved;
 * a policy is deleted from the list only once the admin confirms.
 */
describe("web console: the escalation policy editor", () => {
  let h: ConsoleHarness;

  before(async () => {
    h = await startConsoleHarness();
  });
  after(async () => {
    await h?.stop();
  });

  it("shows the server's error next to an invalid phone number, then saves the corrected policy", async () => {
    const page = await h.newPage();
    await h.signIn(page, TEST_KEYS.admin);
    await page.getByRole("link", { name: "Policies" }).click();
    await page.getByRole("link", { name: "New policy" }).click();
    const name = uniqueName("payments on-call");
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Level 0, target 0: Email address").fill("oncall@example.com");
    await page.getByLabel("Acknowledgement delay in seconds").fill("120");
    await page.getByRole("button", { name: "Add a level" }).click();
    await page.getByLabel("Level 1, target 0: channel").selectOption("sms");
    const phone = page.getByLabel("Level 1, target 0: Phone number");
    await phone.fill("0612");
    await page.getByRole("button", { name: "Save policy" }).click();

    const error = page.locator('[id="error-levels[1].targets[0].sms.phone_number"]');
    await error.waitFor();
    expect(await error.textContent()).to.match(
      /^levels\[1\]\.targets\[0\]\.sms\.phone_number: .*E\.164/,
    );
    expect(await phone.getAttribute("aria-invalid")).to.equal("true");
    expect(await phone.getAttribute("aria-describedby")).to.equal(
      "error-levels[1].targets[0].sms.phone_number",
    );
    // Next to that field: in the same target's group, right after its input.
    expect(await error.evaluate((element) => element.previousElementSibling?.id ?? "")).to.equal(
      "levels[1].targets[0].sms.phone_number",
    );
    expect(await page.locator(".field-error").count()).to.equal(1);

    await phone.fill("+14155550123");
    await page.getByRole("button", { name: "Save policy" }).click();
    await page.waitForURL(/#\/policies\/[0-9a-f-]{36}$/);
    await page.getByRole("heading", { name }).waitFor();
    expect(await page.locator(".field-error").count()).to.equal(0);
    const policyId = new URL(page.url()).hash.split("/")[2] ?? "";
    const { escalationPolicy } = await h.client.call(
      EscalationPolicyService.method.getEscalationPolicy,
      { escalationPolicyId: policyId },
    );
    expect(escalationPolicy?.name).to.equal(name);
    const levels = escalationPolicy?.levels ?? [];
    expect(levels).to.have.length(2);
    expect(levels[0]?.targets[0]?.kind).to.deep.include({ case: "email" });
    expect(levels[0]?.targets[0]?.kind.value).to.include({ address: "oncall@example.com" });
    expect(levels[0]?.ackTimeout?.seconds).to.equal(120n);
    expect(levels[1]?.targets[0]?.kind.value).to.include({ phoneNumber: "+14155550123" });
  });

  it("a responder reads policies but is offered no editing", async () => {
    const responder = await createKey(h.client, ApiKeyRole.RESPONDER);
    const { escalationPolicy } = await h.client.call(
      EscalationPolicyService.method.createEscalationPolicy,
      {
        name: uniqueName("read-only"),
        levels: [
          {
            targets: [{ kind: { case: "email", value: { address: "ro@example.com" } } }],
          },
        ],
      },
    );
    const page = await h.newPage();
    await h.signIn(page, responder.secret);
    await page.goto(`${h.baseUrl}/#/policies/${escalationPolicy?.id}`);
    const address = page.getByLabel("Level 0, target 0: Email address");
    expect(await address.inputValue()).to.equal("ro@example.com");
    expect(await address.isDisabled()).to.equal(true);
    expect(await page.getByRole("button", { name: "Save policy" }).count()).to.equal(0);
    expect(
      await page
        .getByRole("button")
        .filter({ hasText: /Remove|Add/ })
        .count(),
    ).to.equal(0);
    await page.goto(`${h.baseUrl}/#/policies`);
    await page.getByRole("heading", { name: "Escalation policies" }).waitFor();
    expect(await page.getByRole("link", { name: "New policy" }).count()).to.equal(0);
  });

  it("deletes a policy from the list once confirmed, and shows why one still in use is kept", async () => {
    const free = await createTwoLevelPolicy(h.client);
    const { policy: used } = await createServiceWithPolicy(h.client);
    const page = await h.newPage();
    await h.signIn(page, TEST_KEYS.admin);
    await page.goto(`${h.baseUrl}/#/policies`);
    const row = (name: string) => page.locator("table.policies tbody tr", { hasText: name });
    await row(free.name).waitFor();

    page.once("dialog", (dialog) => void dialog.dismiss());
    await row(free.name).getByRole("button", { name: "Delete" }).click();
    page.once("dialog", (dialog) => void dialog.accept());
    await row(used.name).getByRole("button", { name: "Delete" }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: "point those services at another policy first" })
      .waitFor();
    expect(await row(used.name).count()).to.equal(1);
    // Dismissed, then: still there, on the server too.
    const kept = await h.client.call(EscalationPolicyService.method.getEscalationPolicy, {
      escalationPolicyId: free.id,
    });
    expect(kept.escalationPolicy?.name).to.equal(free.name);

    page.once("dialog", (dialog) => void dialog.accept());
    await row(free.name).getByRole("button", { name: "Delete" }).click();
    await row(free.name).waitFor({ state: "detached" });
    expect(await page.getByRole("alert").count()).to.equal(0);
    const gone = await h.client.fail(EscalationPolicyService.method.getEscalationPolicy, {
      escalationPolicyId: free.id,
    });
    expect(gone.code).to.equal(status.NOT_FOUND);
  });
});
