import { expect } from "chai";
import sinon from "sinon";
import { PollingLoop } from "../../src/platform/workers/polling-loop.js";

/** Flushes promise callbacks between fake-timer steps. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("PollingLoop (fake timers)", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => clock.restore());

  it("sleeps as long as the body asks, and wakes early when told", async () => {
    const tick = sinon.stub().resolves(10_000);
    const loop = new PollingLoop({ tick }, () => {});
    loop.start();
    await clock.tickAsync(0);
    expect(tick.callCount).to.equal(1);
    await clock.tickAsync(9_999);
    expect(tick.callCount).to.equal(1);
    loop.wake();
    await clock.tickAsync(0);
    expect(tick.callCount).to.equal(2);
    await clock.tickAsync(10_000);
    expect(tick.callCount).to.equal(3);
    await loop.stop();
  });

  it("a wake during a round runs one more round right after it", async () => {
    let release: (ms: number) => void = () => {};
    const tick = sinon.stub().callsFake(() => new Promise<number>((r) => (release = r)));
    const loop = new PollingLoop({ tick }, () => {});
    loop.start();
    await clock.tickAsync(0);
    loop.wake();
    loop.wake();
    release(60_000);
    await settle();
    await clock.tickAsync(0);
    expect(tick.callCount).to.equal(2);
    release(60_000);
    await loop.stop();
  });

  it("wakeWithin brings a later round forward, never pushes an earlier one back", async () => {
    let release: (ms: number) => void = () => {};
    const tick = sinon.stub().resolves(10_000);
    const loop = new PollingLoop({ tick }, () => {});
    loop.start();
    await clock.tickAsync(0);
    loop.wakeWithin(300);
    loop.wakeWithin(5_000);
    await clock.tickAsync(299);
    expect(tick.callCount).to.equal(1);
    await clock.tickAsync(1);
    expect(tick.callCount).to.equal(2);
    tick.callsFake(() => new Promise<number>((r) => (release = r)));
    await clock.tickAsync(10_000);
    expect(tick.callCount).to.equal(3);
    loop.wakeWithin(200);
    release(10_000);
    await settle();
    await clock.tickAsync(199);
    expect(tick.callCount).to.equal(3);
    await clock.tickAsync(1);
    expect(tick.callCount).to.equal(4);
    release(10_000);
    await loop.stop();
  });

  it("reports a failed round and retries after the error delay", async () => {
    const errors: unknown[] = [];
    const tick = sinon.stub();
    tick.onFirstCall().rejects(new Error("database restarting"));
    tick.resolves(60_000);
    const loop = new PollingLoop({ tick }, (e) => errors.push(e), 500);
    loop.start();
    await clock.tickAsync(0);
    expect(errors).to.have.length(1);
    await clock.tickAsync(499);
    expect(tick.callCount).to.equal(1);
    await clock.tickAsync(1);
    expect(tick.callCount).to.equal(2);
    await loop.stop();
  });

  it("stop waits for the round in flight and schedules nothing after", async () => {
    let release: (ms: number) => void = () => {};
    const tick = sinon.stub().callsFake(() => new Promise<number>((r) => (release = r)));
    const loop = new PollingLoop({ tick }, () => {});
    loop.start();
    await clock.tickAsync(0);
    let stopped = false;
    const stopping = loop.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).to.equal(false);
    release(0);
    await stopping;
    await clock.tickAsync(60_000);
    expect(tick.callCount).to.equal(1);
  });

  it("a body's work that outlives its round can wake the loop, and stop waits for it", async () => {
    let wake: () => void = () => {};
    let finish: () => void = () => {};
    const work = new Promise<void>((r) => (finish = r));
    const tick = sinon.stub().resolves(60_000);
    const loop = new PollingLoop({ tick, attach: (w) => (wake = w), drain: () => work }, () => {});
    loop.start();
    await clock.tickAsync(0);
    wake();
    await clock.tickAsync(0);
    expect(tick.callCount).to.equal(2);
    let stopped = false;
    const stopping = loop.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).to.equal(false);
    finish();
    await stopping;
  });
});
