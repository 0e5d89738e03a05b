import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { type ChannelHarness, startChannelHarness } from "../support/channel-harness.js";
import {
  createServiceWithTargets,
  target,
  uniqueName,
  uniquePhoneNumber,
} from "../support/pager-fixtures.js";
import { eventually } from "../support/pager-harness.js";

const { method } = PagerService;

/**
 * SendAlert's details and dedup key: kept with the alert, returned on it, and
 * shown in every page as its channel allows (the email lists them, the SMS
 * gives severity and source, the webhook carries them all).
 */
describe("alert details and dedup key, from SendAlert to the pages", () => {
  let h: ChannelHarness;

  before(async () => {
    h = await startChannelHarness();
  });
  after(async () => {
    await h?.stop();
  });

  const details = {
    severity: "critical",
    source: "db-1.example.com",
    "label.job": "postgres",
    runbook: "https://runbooks.example.com/disk\nstep 2: free space",
  };

  it("are stored, returned, and shown in the email, the SMS and the webhook", async () => {
    const email = `${uniqueName("oncall")}@example.com`;
    const phone = uniquePhoneNumber();
    const hookUrl = h.fakes.hooks.url(uniqueName("hook"));
    const { service } = await createServiceWithTargets(h.client, [
      [target.email(email), target.sms(phone), target.webhook(hookUrl)],
    ]);
    const sent = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "disk full",
      details,
      dedupKey: "db-1/disk",
    });
    expect(sent.alert?.details).to.deep.equal(details);
    expect(sent.alert?.dedupKey).to.equal("db-1/disk");
    const alertId = sent.alert?.id ?? "";
    const { alert: read } = await h.client.call(method.getAlert, { alertId });
    expect(read?.details).to.deep.equal(details);
    expect(read?.dedupKey).to.equal("db-1/disk");

    const [mail] = await eventually(async () => {
      expect(h.fakes.smtp.sentTo(email)).to.have.length(1);
      return h.fakes.smtp.sentTo(email);
    });
    expect(mail?.text).to.include(
      [
        "Details:",
        "  severity:   critical",
        "  source:     db-1.example.com",
        "  label.job:  postgres",
        "  runbook:    https://runbooks.example.com/disk",
        "              step 2: free space",
        "",
      ].join("\n"),
    );
    const [sms] = await eventually(async () => {
      expect(h.fakes.twilio.sentTo(phone)).to.have.length(1);
      return h.fakes.twilio.sentTo(phone);
    });
    expect(sms?.body).to.include(
      `disk full (severity critical, source db-1.example.com; alert ${alertId}, level 0)`,
    );
    expect(sms?.body).not.to.include("postgres");
    const [hook] = await eventually(async () => {
      expect(h.fakes.hooks.receivedAt(hookUrl)).to.have.length(1);
      return h.fakes.hooks.receivedAt(hookUrl);
    });
    expect(hook?.payload).to.deep.include({ details, dedup_key: "db-1/disk" });
  });

  it("of a suppressed alert are not kept: the active alert keeps its own", async () => {
    const { service } = await createServiceWithTargets(h.client, [[target.email("a@example.com")]]);
    const first = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "first",
      details: { severity: "warning" },
      dedupKey: "one",
    });
    const second = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "second",
      details: { severity: "critical" },
      dedupKey: "two",
    });
    expect(second.alert?.id).to.equal(first.alert?.id);
    expect(second.alert?.details).to.deep.equal({ severity: "warning" });
    expect(second.alert?.dedupKey).to.equal("one");
  });

  it("that break a limit are INVALID_ARGUMENT naming the entry, and write nothing", async () => {
    const { service } = await createServiceWithTargets(h.client, [[target.email("a@example.com")]]);
    const cases = [
      {
        input: { details: { big: "x".repeat(1025) } },
        details: 'details["big"]: value must be at most 1024 characters',
      },
      {
        input: {
          details: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"])),
        },
        details: "details: has 65 entries; at most 64 are allowed",
      },
      {
        input: { details: { "bad\u0001key": "v" } },
        details:
          'details["bad\\u0001key"]: key must not contain control characters or unpaired surrogates',
      },
      {
        input: { dedupKey: "k".repeat(256) },
        details: "dedup_key: must be at most 255 characters",
      },
    ];
    for (const { input, details: message } of cases) {
      const failure = await h.client.fail(method.sendAlert, {
        monitoredServiceId: service.id,
        message: "m",
        ...input,
      });
      expect(failure).to.deep.equal({ code: status.INVALID_ARGUMENT, details: message });
    }
    const { alerts } = await h.client.call(method.listAlerts, { monitoredServiceId: service.id });
    expect(alerts).to.deep.equal([]);
  });
});
