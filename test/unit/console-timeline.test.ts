import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { expect } from "chai";
import { AlertEventSchema, IgnoredTimeoutReason } from "../../gen/pager/v1/alert_event_pb.js";
import { age } from "../../src/console/format.js";
import { describeEvent } from "../../src/console/timeline.js";
import { target } from "../support/pager-fixtures.js";

/** How the console words timeline entries and ages. */
describe("console timeline wording", () => {
  const hook = target.webhook("https://hooks.example.com/…");

  it("says what each kind of entry means, with its level, target and attempt", () => {
    const lines = [
      { case: "triggered", value: { message: "p99 above 2s" } },
      { case: "signalSuppressed", value: { signalCount: 3, message: "still slow" } },
      { case: "pageQueued", value: { level: 1, target: hook } },
      {
        case: "pageFailed",
        value: { level: 1, target: hook, attempt: 2, error: "HTTP 503", final: true },
      },
      { case: "notificationRetried", value: { level: 1, target: hook } },
      { case: "pageSent", value: { level: 1, target: hook, attempt: 3, providerMessageId: "m-1" } },
      { case: "escalated", value: { fromLevel: 1, toLevel: 2 } },
      {
        case: "timeoutIgnored",
        value: { level: 2, reason: IgnoredTimeoutReason.LAST_LEVEL },
      },
      { case: "acknowledged", value: { acknowledgedBy: "ana" } },
      { case: "resolved", value: { healthyEvent: true } },
    ] as const;
    const described = lines.map((kind) => {
      const line = describeEvent(create(AlertEventSchema, { kind }));
      return `${line.kind} | ${line.title} | ${line.detail}`;
    });
    expect(described).to.deep.equal([
      "triggered | Triggered | p99 above 2s",
      "signalSuppressed | Repeated signal | signal 3, nobody paged: still slow",
      "pageQueued | Page queued | level 1, webhook https://hooks.example.com/…",
      "pageFailed | Page failed for good | level 1, webhook https://hooks.example.com/…, attempt 2: HTTP 503",
      "notificationRetried | Page retried | level 1, webhook https://hooks.example.com/…",
      "pageSent | Paged | level 1, webhook https://hooks.example.com/…, attempt 3, provider id m-1",
      "escalated | Escalated | from level 1 to level 2",
      "timeoutIgnored | Timer ignored | level 2: the last level was already paged",
      "acknowledged | Acknowledged | by ana",
      "resolved | Resolved | by the healthy event",
    ]);
  });

  it("an entry of a kind this console does not know keeps a neutral title", () => {
    expect(describeEvent(create(AlertEventSchema, {}))).to.deep.equal({
      kind: "unknown",
      title: "Change",
      detail: "",
    });
  });

  it("ages read in the largest whole unit", () => {
    const now = new Date("2026-11-30T12:00:00Z");
    const ago = (ms: number) => age(timestampFromDate(new Date(now.getTime() - ms)), now);
    expect([ago(12_000), ago(5 * 60_000), ago(3 * 3_600_000), ago(49 * 3_600_000)]).to.deep.equal([
      "12 s",
      "5 min",
      "3 h",
      "2 d",
    ]);
    expect(age(undefined, now)).to.equal("");
  });
});
