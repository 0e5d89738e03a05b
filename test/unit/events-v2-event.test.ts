import { expect } from "chai";
import { triggerDetails } from "../../src/pager/transport/integrations/events-v2-details.js";
import {
  type EventsV2Trigger,
  parseEventsV2Event,
} from "../../src/pager/transport/integrations/events-v2-event.js";

/** PagerDuty's own examples (developer docs, "Send an Alert Event"), as documented. */
const DOCUMENTED = {
  trigger: {
    payload: {
      summary: "Example alert on host1.example.com",
      timestamp: "2015-07-17T08:42:58.315+0000",
      source:
        "monitoringtool:cloudvendor:central-region-dc-01:852559987:cluster/api-stats-prod-003",
      severity: "info",
      component: "postgres",
      group: "prod-datapipe",
      class: "deploy",
      custom_details: { "ping time": "1500ms", "load avg": 0.75 },
    },
    routing_key: "samplekeyhere",
    dedup_key: "samplekeyhere",
    images: [
      {
        src: "https://www.pagerduty.com/wp-content/uploads/2016/05/pagerduty-logo-green.png",
        href: "https://example.com/",
        alt: "Example text",
      },
    ],
    links: [{ href: "https://example.com/", text: "Link text" }],
    event_action: "trigger",
    client: "Sample Monitoring Service",
    client_url: "https://monitoring.example.com",
  },
  acknowledge: {
    routing_key: "routingkeyhere",
    dedup_key: "dedupkeyhere",
    event_action: "acknowledge",
  },
  resolve: { routing_key: "routingkeyhere", dedup_key: "dedupkeyhere", event_action: "resolve" },
} as const;

const withPayload = (change: Record<string, unknown>) => ({
  ...DOCUMENTED.trigger,
  payload: { ...DOCUMENTED.trigger.payload, ...change },
});

describe("Events API v2 events: parsing and checking, as PagerDuty does", () => {
  it("reads the documented trigger example", () => {
    const parsed = parseEventsV2Event(DOCUMENTED.trigger);
    expect(parsed).to.deep.equal({
      ok: true,
      value: {
        action: "trigger",
        routingKey: "samplekeyhere",
        dedupKey: "samplekeyhere",
        summary: "Example alert on host1.example.com",
        source:
          "monitoringtool:cloudvendor:central-region-dc-01:852559987:cluster/api-stats-prod-003",
        severity: "info",
        timestamp: "2015-07-17T08:42:58.315+0000",
        component: "postgres",
        group: "prod-datapipe",
        class: "deploy",
        customDetails: { "ping time": "1500ms", "load avg": 0.75 },
        client: "Sample Monitoring Service",
        clientUrl: "https://monitoring.example.com",
        links: [{ href: "https://example.com/", text: "Link text" }],
        images: [
          {
            src: "https://www.pagerduty.com/wp-content/uploads/2016/05/pagerduty-logo-green.png",
            href: "https://example.com/",
            alt: "Example text",
          },
        ],
      },
    });
  });

  for (const action of ["acknowledge", "resolve"] as const) {
    it(`reads the documented ${action} example`, () => {
      expect(parseEventsV2Event(DOCUMENTED[action])).to.deep.equal({
        ok: true,
        value: { action, routingKey: "routingkeyhere", dedupKey: "dedupkeyhere" },
      });
    });
  }

  const accepted: {
    name: string;
    event: Record<string, unknown>;
    check: (t: EventsV2Trigger) => void;
  }[] = [
    {
      name: "a trigger with only the required fields",
      event: {
        routing_key: "k",
        event_action: "trigger",
        payload: { summary: "s", source: "h", severity: "critical" },
      },
      check: (t) => expect(t).to.include({ dedupKey: "", timestamp: "", customDetails: undefined }),
    },
    {
      name: "a summary of 1024 emoji (2048 UTF-16 units)",
      event: withPayload({ summary: "🔥".repeat(1024) }),
      check: (t) => expect(t.summary).to.have.length(2048),
    },
    {
      name: "a blank dedup key on a trigger, as none",
      event: { ...DOCUMENTED.trigger, dedup_key: "  " },
      check: (t) => expect(t.dedupKey).to.equal(""),
    },
    {
      name: "a payload on a resolve, ignored as PagerDuty ignores it",
      event: { ...DOCUMENTED.resolve, payload: { summary: 5 } },
      check: () => {},
    },
  ];
  for (const { name, event, check } of accepted) {
    it(`accepts ${name}`, () => {
      const parsed = parseEventsV2Event(event);
      if (!parsed.ok) expect.fail(parsed.errors.join("; "));
      if (parsed.value.action === "trigger") check(parsed.value);
    });
  }

  const refused: { name: string; event: Record<string, unknown>; errors: string[] }[] = [
    {
      name: "no routing_key",
      event: { ...DOCUMENTED.trigger, routing_key: undefined },
      errors: ["'routing_key' is missing or blank"],
    },
    {
      name: "a blank routing_key",
      event: { ...DOCUMENTED.resolve, routing_key: "   " },
      errors: ["'routing_key' is missing or blank"],
    },
    {
      name: "no event_action",
      event: { ...DOCUMENTED.trigger, event_action: undefined },
      errors: ["'event_action' is missing or blank"],
    },
    {
      name: "an unknown event_action",
      event: { ...DOCUMENTED.trigger, event_action: "snooze" },
      errors: [
        "'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')",
      ],
    },
    {
      name: "an acknowledge without dedup_key",
      event: { ...DOCUMENTED.acknowledge, dedup_key: undefined },
      errors: ["'dedup_key' is missing or blank"],
    },
    {
      name: "a dedup_key of 256 characters",
      event: { ...DOCUMENTED.resolve, dedup_key: "é".repeat(256) },
      errors: ["'dedup_key' must be at most 255 characters"],
    },
    {
      name: "a dedup_key with a line break",
      event: { ...DOCUMENTED.resolve, dedup_key: "a\nb" },
      errors: ["'dedup_key' must not contain control characters or unpaired surrogates"],
    },
    {
      name: "a trigger without payload",
      event: { ...DOCUMENTED.trigger, payload: undefined },
      errors: ["'payload' is missing or blank"],
    },
    {
      name: "a payload that is not an object",
      event: { ...DOCUMENTED.trigger, payload: "disk full" },
      errors: ["'payload' must be an object"],
    },
    {
      name: "no summary, source or severity",
      event: withPayload({ summary: undefined, source: "", severity: null }),
      errors: [
        "'payload.summary' is missing or blank",
        "'payload.source' is missing or blank",
        "'payload.severity' is missing or blank",
      ],
    },
    {
      name: "a summary of 1025 characters",
      event: withPayload({ summary: "x".repeat(1025) }),
      errors: ["'payload.summary' must be at most 1024 characters"],
    },
    {
      name: "an unknown severity",
      event: withPayload({ severity: "CRITICAL" }),
      errors: [
        "'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')",
      ],
    },
    {
      name: "a summary that is not text",
      event: withPayload({ summary: 42 }),
      errors: ["'payload.summary' must be a string"],
    },
    {
      name: "a link without href and an image without src",
      event: { ...DOCUMENTED.trigger, links: [{ text: "t" }], images: [{ alt: "a" }, "x"] },
      errors: [
        "'links[0].href' is missing or blank",
        "'images[1]' must be an object",
        "'images[0].src' is missing or blank",
      ],
    },
    {
      name: "links that are not a list",
      event: { ...DOCUMENTED.trigger, links: { href: "x" } },
      errors: ["'links' must be an array"],
    },
  ];
  for (const { name, event, errors } of refused) {
    it(`refuses ${name}`, () => {
      expect(parseEventsV2Event(event)).to.deep.equal({ ok: false, errors });
    });
  }

  describe("trigger details", () => {
    function trigger(event: Record<string, unknown>): EventsV2Trigger {
      const parsed = parseEventsV2Event(event);
      if (!parsed.ok || parsed.value.action !== "trigger") throw new Error("not a trigger");
      return parsed.value;
    }

    it("keep the common event format fields by name, custom details as text, links one per line", () => {
      const event = trigger({
        ...DOCUMENTED.trigger,
        custom_details: undefined,
        payload: {
          ...DOCUMENTED.trigger.payload,
          custom_details: { text: "as is", nested: { a: [1, 2] }, flag: true },
        },
        links: [{ href: "https://a.example" }, { href: "https://b.example", text: "B" }],
      });
      expect(triggerDetails(event)).to.deep.equal({
        severity: "info",
        source:
          "monitoringtool:cloudvendor:central-region-dc-01:852559987:cluster/api-stats-prod-003",
        timestamp: "2015-07-17T08:42:58.315+0000",
        component: "postgres",
        group: "prod-datapipe",
        class: "deploy",
        client: "Sample Monitoring Service",
        client_url: "https://monitoring.example.com",
        "custom.text": "as is",
        "custom.nested": '{"a":[1,2]}',
        "custom.flag": "true",
        links: "https://a.example\nB: https://b.example",
        images:
          "Example text: https://www.pagerduty.com/wp-content/uploads/2016/05/pagerduty-logo-green.png",
      });
    });

    it("keep custom details that are not an object as one text", () => {
      const event = trigger(withPayload({ custom_details: "free text" }));
      expect(triggerDetails(event).custom_details).to.equal("free text");
    });

    it("trim 100 custom details (110 entries in all) to fit, saying how many were left out", () => {
      const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, "v"]));
      const details = triggerDetails(trigger(withPayload({ custom_details: many })));
      expect(Object.keys(details)).to.have.length(64);
      expect(details["details.left_out"]).to.equal("47 more entries did not fit");
    });
  });
});
