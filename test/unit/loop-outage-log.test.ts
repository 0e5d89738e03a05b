import { expect } from "chai";
import sinon from "sinon";
import { systemClock } from "../../src/platform/time/system-clock.js";
import { loopOutageLog } from "../../src/platform/workers/loop-outage-log.js";
import { PollingLoop } from "../../src/platform/workers/polling-loop.js";
import { MemoryLog } from "../support/memory-log.js";

const LOST = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
  code: "ECONNREFUSED",
});

describe("a worker loop's failed rounds in the log (fake timers)", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0, toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => clock.restore());

  it("a database outage of a minute: one warning, summaries every 30 s, one line when rounds work", async () => {
    const log = new MemoryLog();
    let down = true;
    const tick = async () => {
      if (down) throw LOST;
      return 60_000;
    };
    const loop = new PollingLoop({ tick }, loopOutageLog(log, systemClock, "dispatcher"), 1000);
    loop.start();
    await clock.tickAsync(65_000);
    down = false;
    await clock.tickAsync(1000);
    await loop.stop();
    const failing = "worker round failed: the database is unavailable; retrying";
    expect(log.summary()).to.deep.equal([
      `warn ${failing}`,
      `warn ${failing}`,
      `warn ${failing}`,
      "info worker rounds succeed again",
    ]);
    expect(log.lines[3]?.fields).to.include({ worker: "dispatcher", failures_total: 66 });
  });

  it("any other failure is an error, every time", async () => {
    const log = new MemoryLog();
    const tick = sinon.stub().rejects(new TypeError("Cannot read properties of undefined"));
    const loop = new PollingLoop({ tick }, loopOutageLog(log, systemClock, "timer"), 1000);
    loop.start();
    await clock.tickAsync(2500);
    await loop.stop();
    expect(log.summary()).to.deep.equal(Array(3).fill("error worker round failed; retrying"));
  });
});
