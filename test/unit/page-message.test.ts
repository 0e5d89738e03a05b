import { expect } from "chai";
import type { PageDelivery } from "../../src/pager/app/notification-channel.js";
import { composePage } from "../../src/pager/app/page-message.js";

const page: PageDelivery = {
  notificationId: "0190b6c4-0000-7000-8000-000000000001",
  alertId: "0190b6c4-0000-7000-8000-000000000002",
  level: 1,
  target: { kind: "sms", phoneNumber: "+14155550123" },
  monitoredServiceId: "0190b6c4-0000-7000-8000-000000000003",
  serviceName: "payments-api",
  message: "p99 latency above 2s",
};

/** The text people read; the exact layout is checked end to end in test/channels. */
describe("composePage", () => {
  it("names the service, message, alert, level and the command to acknowledge", () => {
    const { subject, short } = composePage(page, "https://pager.example.com");
    expect(subject).to.equal("[pager] payments-api: p99 latency above 2s");
    expect(short).to.equal(
      "[pager] payments-api: p99 latency above 2s (alert 0190b6c4-0000-7000-8000-000000000002, level 1). " +
        "Acknowledge: curl -s -H 'content-type: application/json' " +
        "-H 'authorization: Bearer YOUR_API_KEY' " +
        `-d '{"alertId":"0190b6c4-0000-7000-8000-000000000002","acknowledgedBy":"YOUR_NAME"}' ` +
        "https://pager.example.com/pager.v1.PagerService/AcknowledgeAlert",
    );
  });

  it("keeps a long or multi-line alert text to its first line in the subject and the SMS", () => {
    const long = composePage({ ...page, message: "x".repeat(4096) }, "https://p.example.com");
    expect(long.subject).to.equal(`[pager] payments-api: ${"x".repeat(119)}…`);
    expect(long.short.length).to.be.below(1600);
    expect(long.body).to.include("x".repeat(4096));
    const multi = composePage(
      { ...page, message: "disk full\nsee runbook" },
      "https://p.example.com",
    );
    expect(multi.subject).to.equal("[pager] payments-api: disk full …");
    expect(multi.body).to.include("Message:  disk full\nsee runbook");
  });
});
