import { expect } from "chai";
import sinon from "sinon";
import { HealthMonitor } from "../../src/platform/health/health-monitor.js";

describe("HealthMonitor pacing (fake timers)", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0, toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => clock.restore());

  it("probes every interval while serving, and every recovery interval while not", async () => {
    let up = true;
    const probes: number[] = [];
    const monitor = new HealthMonitor({
      probe: async () => {
        probes.push(Date.now());
        if (!up) throw new Error("connect ECONNREFUSED");
      },
      services: [],
      intervalMs: 2000,
      recoveryIntervalMs: 200,
    });
    monitor.start();
    await clock.tickAsync(0);
    expect(monitor.current("")).to.equal("SERVING");
    await clock.tickAsync(4000);
    expect(probes).to.deep.equal([0, 2000, 4000]);
    up = false;
    await clock.tickAsync(2000);
    expect(monitor.current(""), "the probe at 6000 failed").to.equal("NOT_SERVING");
    await clock.tickAsync(600);
    expect(probes.slice(3)).to.deep.equal([6000, 6200, 6400, 6600]);
    up = true;
    await clock.tickAsync(200);
    expect(monitor.current(""), "back within one recovery interval").to.equal("SERVING");
    await clock.tickAsync(2000);
    expect(probes.slice(7)).to.deep.equal([6800, 8800]);
    monitor.stop();
  });
});
