import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { LogRecorder } from "../support/log-recorder.js";
import {
  createServiceWithTargets,
  target,
  uniqueName,
  uniquePhoneNumber,
} from "../support/pager-fixtures.js";
import { eventually, type PagerHarness, startPagerHarness } from "../support/pager-harness.js";
import { TEST_KEYS } from "../support/test-keys.js";

const { method } = PagerService;

/**
 * What the log of a real server holds when things go wrong and when pages
 * go to the log: the statement and its SQLSTATE but never its parameters,
 * masked phone numbers and addresses, and no key secrets.
 */
describe("logs carry no values, secrets, phone numbers or addresses", () => {
  const logs = new LogRecorder();
  let h: PagerHarness;

  before(async () => {
    h = await startPagerHarness({ PAGER_TIMER_WORKER: "off" }, logs);
  });
  after(async () => {
    await h?.stop();
  });

  it("an unexpected database error is logged without the statement's parameters, and answered INTERNAL without them", async () => {
    const phone = uniquePhoneNumber();
    const message = `card 4111 1111 1111 1111 of ${phone}`;
    const { service } = await createServiceWithTargets(h.client, [
      [target.email("oncall@example.com")],
    ]);
    // A rule the server does not know of: its insert fails as no client mistake could.
    const constraint = uniqueName("no_card").replaceAll("-", "_");
    await h.db.query(
      `ALTER TABLE alerts ADD CONSTRAINT ${constraint} CHECK (message <> '${message}')`,
    );
    try {
      const failure = await h.client.fail(method.sendAlert, {
        monitoredServiceId: service.id,
        message,
      });
      expect(failure.code).to.equal(status.INTERNAL);
      expect(failure.details).to.equal("internal error");
    } finally {
      await h.db.query(`ALTER TABLE alerts DROP CONSTRAINT ${constraint}`);
    }
    const [logged] = logs.withMessage("unexpected error");
    const err = logged?.err as Record<string, unknown> | undefined;
    expect(err).to.include({ code: "23514", table: "alerts", constraint });
    expect(err).to.not.have.any.keys("parameters", "detail", "driverError");
    const everything = logs.raw.join("\n");
    expect(everything).to.not.contain("4111").and.not.contain(phone);
  });

  it("pages logged at info show masked phone numbers and addresses", async () => {
    const phone = uniquePhoneNumber();
    const email = `${uniqueName("ana")}@example.com`;
    const { service } = await createServiceWithTargets(h.client, [
      [target.sms(phone), target.email(email)],
    ]);
    await h.client.call(method.sendAlert, { monitoredServiceId: service.id, message: "down" });
    const pages = await eventually(async () => {
      const lines = logs
        .withMessage("page delivered to log channel")
        .filter((line) => (line.page as { service?: string }).service === service.name);
      expect(lines).to.have.length(2);
      return lines;
    });
    const targets = pages.map((line) => (line.page as { target: unknown }).target);
    expect(targets).to.have.deep.members([
      {
        kind: "sms",
        phoneNumber: `${phone.slice(0, 3)}${"•".repeat(phone.length - 5)}${phone.slice(-2)}`,
      },
      { kind: "email", address: `${email.slice(0, 1)}•••@example.com` },
    ]);
    const everything = logs.raw.join("\n");
    expect(everything).to.not.contain(phone).and.not.contain(email);
  });

  it("never logs a key's secret", () => {
    expect(logs.raw.length).to.be.greaterThan(0);
    expect(logs.raw.join("\n")).to.not.contain(TEST_KEYS.admin);
  });
});
