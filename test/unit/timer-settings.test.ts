import { expect } from "chai";
import { readAckTimerSettings } from "../../src/pager/settings/ack-timer-settings.js";
import { readTimerConfig } from "../../src/timer/timer-config.js";

describe("timer settings", () => {
  it("the pager fires timers itself unless PAGER_TIMER_URL names a timer service", () => {
    expect(readAckTimerSettings({})).to.deep.equal({
      serviceUrl: null,
      callbackEndpoint: null,
      watchdogGraceMs: 60_000,
    });
    expect(
      readAckTimerSettings({
        PAGER_TIMER_URL: "http://timer.internal:50052/",
        PAGER_TIMER_CALLBACK_URL: "http://pager.internal:50051",
        PAGER_TIMER_WATCHDOG_GRACE_MS: "5000",
      }),
    ).to.deep.equal({
      serviceUrl: "http://timer.internal:50052",
      callbackEndpoint: "pager.internal:50051",
      watchdogGraceMs: 5000,
    });
    expect(() => readAckTimerSettings({ PAGER_TIMER_CALLBACK_URL: "http://x:1" })).to.throw(
      /PAGER_TIMER_URL/,
    );
    expect(() => readAckTimerSettings({ PAGER_TIMER_URL: "127.0.0.1:50052" })).to.throw(
      /PAGER_TIMER_URL/,
    );
  });

  it("the timer service has its own TIMER_* settings, DATABASE_URL only as a fallback", () => {
    const defaults = readTimerConfig({ DATABASE_URL: "postgres://db/pager" });
    expect(defaults).to.include({
      host: "127.0.0.1",
      port: 50052,
      databaseUrl: "postgres://db/pager",
      dataDir: ".pager-data/timer-postgres",
      leaseMs: 15_000,
      callbackDeadlineMs: 5000,
    });
    expect(defaults.allowlist.entries()).to.deep.equal(["127.0.0.1:50051"]);
    const own = readTimerConfig({
      DATABASE_URL: "postgres://db/pager",
      TIMER_DATABASE_URL: "postgres://db/timer",
      TIMER_CALLBACK_ALLOWLIST: "10.0.0.1:50051,pager:50051",
    });
    expect(own.databaseUrl).to.equal("postgres://db/timer");
    expect(own.allowlist.entries()).to.deep.equal(["10.0.0.1:50051", "pager:50051"]);
  });

  it("refuses settings it cannot run with, naming the variable", () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ TIMER_PORT: "70000" }, /TIMER_PORT/],
      [{ TIMER_CALLBACK_ALLOWLIST: "" }, /TIMER_CALLBACK_ALLOWLIST.*no endpoint/],
      [{ TIMER_CALLBACK_ALLOWLIST: "https://pager:443" }, /TIMER_CALLBACK_ALLOWLIST/],
      [{ TIMER_LEASE_MS: "5000", TIMER_CALLBACK_DEADLINE_MS: "5000" }, /must be shorter/],
    ];
    for (const [env, message] of bad) expect(() => readTimerConfig(env)).to.throw(message);
  });
});
