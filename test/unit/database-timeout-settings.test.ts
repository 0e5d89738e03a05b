import { expect } from "chai";
import { readConfig } from "../../src/pager/settings/pager-config.js";
import { readTimerConfig } from "../../src/timer/timer-config.js";

describe("database timeouts (settings)", () => {
  it("default to limits shorter than the longest call deadline, in both programs", () => {
    const pager = readConfig({});
    expect(pager.dbTimeouts).to.deep.equal({
      statementMs: 5000,
      lockMs: 3000,
      idleInTransactionMs: 10_000,
    });
    expect(pager.dbTimeouts.statementMs).to.be.below(pager.limits.maxDeadlineMs);
    const timer = readTimerConfig({ TIMER_DB_STATEMENT_TIMEOUT_MS: "2000" });
    expect(timer.dbTimeouts.statementMs).to.equal(2000);
  });

  it("unset, they stay within half a shortened call deadline", () => {
    expect(readConfig({ PAGER_MAX_DEADLINE_MS: "1500" }).dbTimeouts).to.include({
      statementMs: 750,
      lockMs: 750,
    });
  });

  it("refuses a statement or lock limit at or past the call deadline; 0 turns one off", () => {
    expect(() =>
      readConfig({ PAGER_MAX_DEADLINE_MS: "4000", PAGER_DB_STATEMENT_TIMEOUT_MS: "4000" }),
    ).to.throw(
      /PAGER_DB_STATEMENT_TIMEOUT_MS=4000 must be shorter than PAGER_MAX_DEADLINE_MS=4000/,
    );
    expect(() =>
      readTimerConfig({
        TIMER_MAX_DEADLINE_MS: "4000",
        TIMER_DB_LOCK_TIMEOUT_MS: "5000",
      }),
    ).to.throw(/TIMER_DB_LOCK_TIMEOUT_MS/);
    const off = readConfig({ PAGER_DB_STATEMENT_TIMEOUT_MS: "0", PAGER_DB_LOCK_TIMEOUT_MS: "0" });
    expect(off.dbTimeouts).to.include({ statementMs: 0, lockMs: 0 });
  });
});
