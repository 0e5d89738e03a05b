import { expect } from "chai";
import type { PageDelivery } from "../../src/pager/app/notification-channel.js";
import { composePage, type PageLinks } from "../../src/pager/app/page-message.js";

const page: PageDelivery = {
  notificationId: "0190b6c4-0000-7000-8000-000000000001",
  alertId: "0190b6c4-0000-7000-8000-000000000002",
  level: 1,
  target: { kind: "sms", phoneNumber: "+14155550123" },
  monitoredServiceId: "0190b6c4-0000-7000-8000-000000000003",
  serviceName: "payments-api",
  message: "p99 latency above 2s",
  details: {},
  dedupKey: "",
};

/** Links as the pager makes them, with a token that names the page. */
function linksAt(publicUrl: string): PageLinks {
  return { publicUrl, acknowledgeLink: (id) => `${publicUrl}/ack/token-for-${id}` };
}

/** The text people read; the exact layout is checked end to end in test/channels. */
describe("composePage", () => {
  it("names the service, message, alert, level, the page's link and the command to acknowledge", () => {
    const { subject, short, body, acknowledgeLink } = composePage(
      page,
      linksAt("https://pager.example.com"),
    );
    const link = "https://pager.example.com/ack/token-for-0190b6c4-0000-7000-8000-000000000001";
    expect(acknowledgeLink).to.equal(link);
    expect(body).to.include(`open this link and press Acknowledge.\n\n  ${link}\n`);
    expect(body).to.include("Or, with a responder key, run this");
    expect(subject).to.equal("[pager] payments-api: p99 latency above 2s");
    expect(short).to.equal(
      "[pager] payments-api: p99 latency above 2s (alert 0190b6c4-0000-7000-8000-000000000002, level 1). " +
        `Acknowledge: ${link} or: ` +
        "curl -s -H 'content-type: application/json' " +
        "-H 'authorization: Bearer YOUR_API_KEY' " +
        `-d '{"alertId":"0190b6c4-0000-7000-8000-000000000002","acknowledgedBy":"YOUR_NAME"}' ` +
        "https://pager.example.com/pager.v1.PagerService/AcknowledgeAlert",
    );
  });

  it("keeps a long or multi-line alert text to its first line in the subject and the SMS", () => {
    const long = composePage(
      { ...page, message: "x".repeat(4096) },
      linksAt("https://p.example.com"),
    );
    expect(long.subject).to.equal(`[pager] payments-api: ${"x".repeat(119)}…`);
    expect(long.short.length).to.be.below(1600);
    expect(long.body).to.include("x".repeat(4096));
    const multi = composePage(
      { ...page, message: "disk full\nsee runbook" },
      linksAt("https://p.example.com"),
    );
    expect(multi.subject).to.equal("[pager] payments-api: disk full …");
    expect(multi.body).to.include("Message:  disk full\nsee runbook");
  });
});

describe("composePage with details", () => {
  const details = {
    "custom.ping time": "1500ms",
    source: "prod-datapipe03.example.com",
    component: "mysql",
    severity: "critical",
    "custom.trace": "line one\nline two",
  };

  it("lists every detail in the email, severity and source first, values aligned", () => {
    const { body } = composePage({ ...page, details }, linksAt("https://p.example.com"));
    const block = [
      "Level:    1 (escalation levels count from 0)",
      "",
      "Details:",
      "  severity:          critical",
      "  source:            prod-datapipe03.example.com",
      "  component:         mysql",
      "  custom.ping time:  1500ms",
      "  custom.trace:      line one",
      "                     line two",
      "",
      "Acknowledge to stop the escalation: open this link and press Acknowledge.",
    ].join("\n");
    expect(body).to.include(block);
  });

  it("has no details block when there are none", () => {
    expect(composePage(page, linksAt("https://p.example.com")).body).not.to.include("Details:");
  });

  it("gives the SMS only severity and source, each cut short", () => {
    const { short } = composePage(
      { ...page, details: { ...details, source: "s".repeat(100) } },
      linksAt("https://p.example.com"),
    );
    expect(short).to.include(
      `p99 latency above 2s (severity critical, source ${"s".repeat(59)}…; alert ${page.alertId}, level 1). `,
    );
    expect(short).not.to.include("mysql");
    const severityOnly = composePage(
      { ...page, details: { severity: "info" } },
      linksAt("https://p.example.com"),
    );
    expect(severityOnly.short).to.include(`(severity info; alert ${page.alertId}, level 1)`);
  });
});
