import { createHash } from "node:crypto";
import { expect } from "chai";
import {
  groupDedupKey,
  groupDetails,
  groupMessage,
} from "../../src/pager/transport/integrations/alertmanager-alert.js";
import {
  type AlertmanagerNotification,
  parseAlertmanagerNotification,
} from "../../src/pager/transport/integrations/alertmanager-notification.js";
import { diskNotification } from "../support/alertmanager-payloads.js";

const FIRING = diskNotification("firing");

function parsed(body: Record<string, unknown>): AlertmanagerNotification {
  const result = parseAlertmanagerNotification(body);
  if (!result.ok) throw new Error(result.errors.join("; "));
  return result.value;
}

/** Two alerts of one group, on two instances, without a common summary. */
const TWO_FIRING = parsed({
  ...FIRING,
  alerts: [
    { ...FIRING.alerts[0], labels: { alertname: "Down", instance: "a:9100", job: "node" } },
    {
      ...FIRING.alerts[0],
      startsAt: "2026-11-30T02:09:00Z",
      labels: { alertname: "Down", instance: "b:9100", job: "node" },
    },
  ],
  commonLabels: { alertname: "Down", job: "node" },
  commonAnnotations: {},
  truncatedAlerts: 3,
});

describe("Alertmanager webhook notifications (payload version 4)", () => {
  it("reads what Alertmanager sends", () => {
    expect(parsed(FIRING)).to.deep.equal({
      status: "firing",
      receiver: "pager",
      groupKey: '{}:{alertname="Disk"}',
      groupLabels: { alertname: "Disk" },
      commonLabels: { alertname: "Disk", instance: "db1", severity: "critical" },
      commonAnnotations: { summary: "disk full" },
      externalUrl: "http://am.example.com:9093",
      truncatedAlerts: 0,
      alerts: [
        {
          status: "firing",
          labels: { alertname: "Disk", instance: "db1", severity: "critical" },
          annotations: { summary: "disk full" },
          startsAt: "2026-11-30T02:08:21.35008867Z",
        },
      ],
    });
  });

  const refused: { name: string; body: Record<string, unknown>; errors: string[] }[] = [
    {
      name: "another payload version",
      body: { ...FIRING, version: "3" },
      errors: ["'version' is invalid (must be one of the following: '4')"],
    },
    {
      name: "an unknown status",
      body: { ...FIRING, status: "pending" },
      errors: ["'status' is invalid (must be one of the following: 'firing' or 'resolved')"],
    },
    {
      name: "no group key",
      body: { ...FIRING, groupKey: "" },
      errors: ["'groupKey' is missing or blank"],
    },
    { name: "no alerts", body: { ...FIRING, alerts: [] }, errors: ["'alerts' must not be empty"] },
    {
      name: "labels that are not text",
      body: { ...FIRING, commonLabels: { severity: 2 } },
      errors: ["'commonLabels.severity' must be a string"],
    },
    {
      name: "an alert that is not an object, and a negative truncatedAlerts",
      body: { ...FIRING, alerts: [FIRING.alerts[0], 7], truncatedAlerts: -1 },
      errors: [
        "'alerts[1]' must be an object",
        "'truncatedAlerts' must be a whole number of 0 or more",
      ],
    },
  ];
  for (const { name, body, errors } of refused) {
    it(`refuses ${name}, naming the field`, () => {
      expect(parseAlertmanagerNotification(body)).to.deep.equal({ ok: false, errors });
    });
  }

  describe("as an alert", () => {
    it("says the common summary, else the alert names", () => {
      expect(groupMessage(parsed(FIRING))).to.equal("disk full");
      expect(groupMessage(TWO_FIRING)).to.equal("Down");
      const unnamed = parsed({
        ...FIRING,
        commonAnnotations: {},
        alerts: [{ ...FIRING.alerts[0], labels: {} }],
      });
      expect(groupMessage(unnamed)).to.equal(
        '1 alert firing in Alertmanager group {}:{alertname="Disk"}',
      );
    });

    it("keeps the group key as the dedup key, or its SHA-256 when it is too long to keep", () => {
      expect(groupDedupKey(parsed(FIRING))).to.equal('{}:{alertname="Disk"}');
      const long = `{}:{instance="${"x".repeat(300)}"}`;
      expect(groupDedupKey(parsed({ ...FIRING, groupKey: long }))).to.equal(
        createHash("sha256").update(long).digest("hex"),
      );
    });

    it("turns labels and annotations into details, severity first", () => {
      expect(groupDetails(parsed(FIRING))).to.deep.equal({
        severity: "critical",
        "label.alertname": "Disk",
        "label.instance": "db1",
        "label.severity": "critical",
        "annotation.summary": "disk full",
        "alertmanager.firing": "1",
        "alertmanager.resolved": "0",
        "alertmanager.receiver": "pager",
        "alertmanager.url": "http://am.example.com:9093",
      });
    });

    it("lists each alert of a larger group by what sets it apart", () => {
      const details = groupDetails(TWO_FIRING);
      expect(details.alerts).to.equal(
        "firing instance=a:9100 since 2026-11-30T02:08:21.35008867Z\n" +
          "firing instance=b:9100 since 2026-11-30T02:09:00Z",
      );
      expect(details["alertmanager.truncated_alerts"]).to.equal("3");
      expect(details.severity).to.equal(undefined);
    });
  });
});
