import { expect } from "chai";
import sinon from "sinon";
import { duration } from "../../src/platform/settings/env-values.js";
import { retentionSetting } from "../../src/platform/settings/setting.js";
import { systemClock } from "../../src/platform/time/system-clock.js";
import { PollingLoop } from "../../src/platform/workers/polling-loop.js";
import {
  type DeletedBatch,
  type RetentionStore,
  RetentionSweep,
} from "../../src/platform/workers/retention-sweep.js";
import { MemoryLog } from "../support/memory-log.js";

/** Deletes what the test queued, batch by batch, and remembers when and with which cut-off. */
class ScriptedStore implements RetentionStore {
  readonly calls: { at: number; cutoff: number; limit: number }[] = [];
  /** Rows still old enough, per table; the batch table is the first. */
  backlog: number[] = [];

  async deleteBatch(cutoff: Date, limit: number): Promise<DeletedBatch> {
    this.calls.push({ at: Date.now(), cutoff: cutoff.getTime(), limit });
    const alerts = Math.min(limit, this.backlog.length);
    const taken = this.backlog.splice(0, alerts);
    const pages = taken.reduce((sum, n) => sum + n, 0);
    return { batch: alerts, tables: { alerts, notifications: pages } };
  }
}

const START = 10_000_000_000;
const DAY = 86_400_000;
const OPTIONS = {
  retentionMs: 90 * DAY,
  batchSize: 3,
  pauseMs: 50,
  intervalMs: 300_000,
  what: "resolved alerts",
};

function sweep() {
  const store = new ScriptedStore();
  const log = new MemoryLog();
  const counted: Record<string, number>[] = [];
  const subject = new RetentionSweep(
    {
      store,
      clock: systemClock,
      log,
      metrics: { deleted: (tables) => counted.push({ ...tables }) },
    },
    OPTIONS,
  );
  return { subject, store, log, counted };
}

describe("RetentionSweep (fake timers)", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: START, toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => clock.restore());

  it("deletes what finished before now minus the retention, and looks again after the interval", async () => {
    const { subject, store, log } = sweep();
    const loop = new PollingLoop(subject, () => {});
    loop.start();
    await clock.tickAsync(0);
    await clock.tickAsync(OPTIONS.intervalMs - 1);
    expect(store.calls).to.deep.equal([{ at: START, cutoff: START - 90 * DAY, limit: 3 }]);
    await clock.tickAsync(1);
    expect(store.calls.map((call) => call.cutoff)).to.deep.equal([
      START - 90 * DAY,
      START + OPTIONS.intervalMs - 90 * DAY,
    ]);
    expect(log.lines, "nothing deleted, nothing logged").to.deep.equal([]);
    await loop.stop();
  });

  it("drains a backlog in batches a pause apart, counts each batch, logs the sweep once", async () => {
    const { subject, store, log, counted } = sweep();
    store.backlog = [2, 1, 0, 4, 1, 1, 3];
    const loop = new PollingLoop(subject, () => {});
    loop.start();
    await clock.tickAsync(0);
    await clock.tickAsync(2 * OPTIONS.pauseMs);
    expect(store.calls.map((call) => call.at - START)).to.deep.equal([0, 50, 100]);
    expect(counted).to.deep.equal([
      { alerts: 3, notifications: 3 },
      { alerts: 3, notifications: 6 },
      { alerts: 1, notifications: 3 },
    ]);
    expect(log.summary()).to.deep.equal(["info deleted resolved alerts older than the retention"]);
    expect(log.lines[0]?.fields).to.deep.include({
      deleted: { alerts: 7, notifications: 12 },
      retention_ms: 90 * DAY,
    });
    await clock.tickAsync(OPTIONS.intervalMs);
    expect(store.calls).to.have.length(4);
    expect(log.lines, "the next sweep found nothing: no second line").to.have.length(1);
    await loop.stop();
  });

  it("a batch exactly full is followed by one more look before the interval", async () => {
    const { subject, store } = sweep();
    store.backlog = [0, 0, 0];
    expect(await subject.tick()).to.equal(OPTIONS.pauseMs);
    expect(await subject.tick()).to.equal(OPTIONS.intervalMs);
    expect(store.calls).to.have.length(2);
  });
});

describe("retention settings", () => {
  const setting = retentionSetting("PAGER_RETENTION", 90, "How long.");

  it("read days, hours, minutes, seconds or milliseconds; default 90 days", () => {
    expect(duration({}, setting)).to.equal(90 * DAY);
    expect(duration({ PAGER_RETENTION: "30d" }, setting)).to.equal(30 * DAY);
    expect(duration({ PAGER_RETENTION: "12h" }, setting)).to.equal(12 * 3_600_000);
    expect(duration({ PAGER_RETENTION: "90m" }, setting)).to.equal(90 * 60_000);
    expect(duration({ PAGER_RETENTION: "120s" }, setting)).to.equal(120_000);
    expect(duration({ PAGER_RETENTION: "3600000" }, setting)).to.equal(3_600_000);
    expect(duration({ PAGER_RETENTION: "60000ms" }, setting)).to.equal(60_000);
  });

  it("refuse other forms and values out of range, naming the variable and the forms", () => {
    for (const bad of ["90 days", "1.5d", "-1d", "d", "59s", "3651d", "1w"]) {
      expect(() => duration({ PAGER_RETENTION: bad }, setting), bad).to.throw(
        /^PAGER_RETENTION=".*" must be a duration .* 90d, 12h, 30m, 45s, 500ms$/,
      );
    }
  });
});
