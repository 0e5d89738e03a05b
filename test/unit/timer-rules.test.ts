import { expect } from "chai";
import { ackTimerId } from "../../src/pager/app/external-timers.js";
import { CallbackAllowlist } from "../../src/timer/domain/callback-allowlist.js";
import { newTimer, type SetTimerInput } from "../../src/timer/domain/new-timer.js";
import { sameContent } from "../../src/timer/domain/timer.js";
import { refusal } from "../support/refusal.js";

const NOW = new Date("2026-01-01T00:00:00Z");
const TIMEOUT = "pager.v1.PagerService/HandleAcknowledgementTimeout";
const allowlist = CallbackAllowlist.parse(
  ` 127.0.0.1:50051/${TIMEOUT} , Pager.Internal:50051/${TIMEOUT}, any.internal:1 `,
);
const callback = {
  endpoint: "127.0.0.1:50051",
  method: TIMEOUT,
  request: new Uint8Array([10, 1, 65]),
  metadata: { authorization: "Bearer 0123456789abcdefghijklmnopqrstuv" },
};
const input: SetTimerInput = { timerId: "pager-ack-x-0-0", schedule: { delayMs: 1000 }, callback };

describe("timer service rules", () => {
  it("a timer set by delay is due that long after now, and scheduled", () => {
    const timer = newTimer(input, allowlist, NOW);
    expect(timer).to.include({ state: "scheduled", attempts: 0, delayMs: 1000 });
    expect(timer.fireTime.toISOString()).to.equal("2026-01-01T00:00:01.000Z");
    expect(timer.nextAttemptTime).to.deep.equal(timer.fireTime);
  });

  it("same content: a repeated delay is the same timer later; other bytes, time, endpoint or metadata are not", () => {
    const stored = newTimer(input, allowlist, NOW);
    const retried = newTimer(input, allowlist, new Date(NOW.getTime() + 5000));
    expect(sameContent(stored, retried)).to.equal(true);
    const other = (change: Partial<SetTimerInput>) =>
      sameContent(stored, newTimer({ ...input, ...change }, allowlist, NOW));
    expect(other({ schedule: { delayMs: 1001 } })).to.equal(false);
    expect(other({ schedule: { fireTime: stored.fireTime } })).to.equal(false);
    expect(other({ callback: { ...callback, request: new Uint8Array([10, 1, 66]) } })).to.equal(
      false,
    );
    expect(other({ callback: { ...callback, endpoint: "pager.internal:50051" } })).to.equal(false);
    expect(
      other({ callback: { ...callback, metadata: { authorization: "Bearer other" } } }),
    ).to.equal(false);
    expect(other({ callback: { ...callback, metadata: {} } })).to.equal(false);
    expect(
      other({ callback: { ...callback, metadata: { ...callback.metadata, "x-extra": "1" } } }),
    ).to.equal(false);
    const byTime = newTimer({ ...input, schedule: { fireTime: stored.fireTime } }, allowlist, NOW);
    expect(
      sameContent(
        byTime,
        newTimer({ ...input, schedule: { fireTime: stored.fireTime } }, allowlist, NOW),
      ),
    ).to.equal(true);
  });

  it("the allow-list names endpoint and method, compared exactly; a plain host:port allows any method", () => {
    expect(allowlist.entries()).to.deep.equal([
      `127.0.0.1:50051/${TIMEOUT}`,
      `pager.internal:50051/${TIMEOUT}`,
      "any.internal:1",
    ]);
    expect(allowlist.allows("127.0.0.1:50051", TIMEOUT)).to.equal(true);
    expect(allowlist.allows("127.0.0.1:50051", "pager.v1.PagerService/SendAlert")).to.equal(false);
    expect(allowlist.allows("127.0.0.1:50051", TIMEOUT.toLowerCase())).to.equal(false);
    expect(allowlist.allows("any.internal:1", "x.v1.Any/Method")).to.equal(true);
    const refusedCallback = (change: Partial<typeof callback>) =>
      refusal(() => newTimer({ ...input, callback: { ...callback, ...change } }, allowlist, NOW));
    const otherMethod = refusedCallback({ method: "pager.v1.PagerService/SendAlert" });
    expect(otherMethod).to.include({ kind: "permission-denied", field: "callback.endpoint" });
    expect(otherMethod.message).to.include("127.0.0.1:50051/pager.v1.PagerService/SendAlert");
    const upper = { ...input, callback: { ...callback, endpoint: "PAGER.internal:50051" } };
    expect(newTimer(upper, allowlist, NOW).callback.endpoint).to.equal("pager.internal:50051");
    const denied = refusedCallback({ endpoint: "127.0.0.1:50052" });
    expect(denied).to.include({ kind: "permission-denied", field: "callback.endpoint" });
    expect(() => CallbackAllowlist.parse("http://127.0.0.1:50051")).to.throw(/host:port/);
    expect(() => CallbackAllowlist.parse("127.0.0.1:0")).to.throw(/host:port/);
    expect(() => CallbackAllowlist.parse("127.0.0.1:1/not a method")).to.throw(/method/);
    expect(() => CallbackAllowlist.parse(`127.0.0.1:1,127.0.0.1:1/${TIMEOUT}`)).to.throw(
      /both alone.*and with a method/,
    );
  });

  it("callback metadata: bounded plain headers the call does not set itself", () => {
    const withMetadata = (metadata: Record<string, string>) => ({
      ...input,
      callback: { ...callback, metadata },
    });
    expect(newTimer(withMetadata({}), allowlist, NOW).callback.metadata).to.deep.equal({});
    const refused: [Record<string, string>, RegExp][] = [
      [{ "grpc-timeout": "1S" }, /callback\.metadata\["grpc-timeout"\]/],
      [{ ":authority": "x" }, /callback\.metadata/],
      [{ "x-token-bin": "AAAA" }, /callback\.metadata/],
      [{ "content-type": "application/grpc" }, /callback\.metadata/],
      [{ Authorization: "Bearer x" }, /lower-case/],
      [{ authorization: "Bearer x\nInjected: 1" }, /printable ASCII/],
      [Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])), /at most 16/],
      [{ big: "x".repeat(8 * 1024) }, /at most 8192 bytes/],
    ];
    for (const [metadata, message] of refused) {
      const error = refusal(() => newTimer(withMetadata(metadata), allowlist, NOW));
      expect(error.kind, JSON.stringify(Object.keys(metadata))).to.equal("invalid-argument");
      expect(error.message).to.match(message);
      expect(error.message).not.to.include("Injected");
    }
  });

  it("refuses what it cannot honour, naming the field", () => {
    const cases: [Partial<SetTimerInput>, string][] = [
      [{ timerId: "" }, "timer_id"],
      [{ timerId: "a/b" }, "timer_id"],
      [{ timerId: "x".repeat(201) }, "timer_id"],
      [{ schedule: null }, "fire_time"],
      [{ schedule: { delayMs: -1 } }, "delay"],
      [{ schedule: { fireTime: new Date(NOW.getTime() + 367 * 86_400_000) } }, "fire_time"],
      [{ callback: null }, "callback"],
      [{ callback: { ...callback, method: "/pager.v1.PagerService/X" } }, "callback.method"],
      [{ callback: { ...callback, request: new Uint8Array(64 * 1024 + 1) } }, "callback.request"],
    ];
    for (const [change, field] of cases) {
      const error = refusal(() => newTimer({ ...input, ...change }, allowlist, NOW));
      expect(error, field).to.include({ kind: "invalid-argument", field });
    }
    expect(
      newTimer({ ...input, schedule: { fireTime: new Date(0) } }, allowlist, NOW).fireTime,
    ).to.deep.equal(new Date(0));
  });

  it("the pager's timer ids are deterministic per (alert, level, step)", () => {
    expect(ackTimerId("a1", 2, 0)).to.equal("pager-ack-a1-2-0");
    expect(ackTimerId("a1", 2, 1)).to.not.equal(ackTimerId("a1", 2, 0));
  });
});
