import { expect } from "chai";
import sinon from "sinon";
import {
  AckTimerFiring,
  type AckTimerFiringOptions,
} from "../../src/pager/app/ack-timer-firing.js";
import type { DueAckTimer, DueAckTimerQueue } from "../../src/pager/app/worker-ports.js";
import type { TimeoutOutcome } from "../../src/pager/domain/escalation.js";
import { systemClock } from "../../src/platform/time/system-clock.js";
import { PollingLoop } from "../../src/platform/workers/polling-loop.js";
import { MemoryLog } from "../support/memory-log.js";
import { RecordedMetrics } from "../support/recorded-metrics.js";

interface Row extends Omit<DueAckTimer, "fireTime"> {
  fireTimeMs: number;
  claimedUntilMs: number | null;
}

/** ack_timers in memory, with the worker's claim and lease rules; firing consumes a row. */
class MemoryDueQueue implements DueAckTimerQueue {
  rows: Row[] = [];
  readonly claims: { limit: number; leaseMs: number }[] = [];

  add(alertId: string, inMs = 0): void {
    this.rows.push({ alertId, level: 0, fireTimeMs: Date.now() + inMs, claimedUntilMs: null });
  }

  consume(timer: DueAckTimer): void {
    this.rows = this.rows.filter((r) => r.alertId !== timer.alertId || r.level !== timer.level);
  }

  async claim(now: Date, limit: number, leaseMs: number): Promise<DueAckTimer[]> {
    this.claims.push({ limit, leaseMs });
    const at = now.getTime();
    const due = this.rows
      .filter((r) => r.fireTimeMs <= at && (r.claimedUntilMs === null || r.claimedUntilMs < at))
      .sort((a, b) => a.fireTimeMs - b.fireTimeMs)
      .slice(0, limit);
    for (const row of due) row.claimedUntilMs = at + leaseMs;
    return due.map(({ alertId, level, fireTimeMs }) => ({
      alertId,
      level,
      fireTime: new Date(fireTimeMs),
    }));
  }

  async nextDueTime(): Promise<Date | null> {
    if (this.rows.length === 0) return null;
    return new Date(
      Math.min(...this.rows.map((r) => Math.max(r.fireTimeMs, r.claimedUntilMs ?? 0))),
    );
  }
}

const OPTIONS: AckTimerFiringOptions = { batchSize: 10, leaseMs: 30_000, maxIdleMs: 1000 };

function firing(options: Partial<AckTimerFiringOptions> = {}) {
  const queue = new MemoryDueQueue();
  const log = new MemoryLog();
  const metrics = new RecordedMetrics();
  const fired: string[] = [];
  const failing = new Set<string>();
  const fire = async (timer: DueAckTimer): Promise<TimeoutOutcome> => {
    fired.push(timer.alertId);
    if (failing.has(timer.alertId)) throw new Error("Connection terminated unexpectedly");
    queue.consume(timer);
    return "escalated";
  };
  const subject = new AckTimerFiring(
    { queue, fire, clock: systemClock, log, metrics },
    { ...OPTIONS, ...options },
  );
  return { subject, queue, log, fired, failing, metrics };
}

describe("AckTimerFiring (fake timers, in-memory ack_timers)", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => clock.restore());

  it("fires each due timer through the use case and logs its outcome", async () => {
    const { subject, queue, log, fired, metrics } = firing();
    queue.add("a1", -40);
    queue.add("a2", 5000);
    expect(await subject.tick(), "sleeps no longer than maxIdleMs").to.equal(1000);
    expect(fired).to.deep.equal(["a1"]);
    expect(queue.claims).to.deep.equal([{ limit: 10, leaseMs: 30_000 }]);
    expect(log.lines).to.deep.equal([
      {
        severity: "info",
        fields: { alert_id: "a1", escalation_level: 0, outcome: "escalated" },
        message: "timer fired",
      },
    ]);
    expect(metrics.lateness, "how late after its due time").to.deep.equal([40]);
  });

  it("wakes at the next fire time, not before, with the loop asleep in between", async () => {
    const { subject, queue, fired } = firing({ maxIdleMs: 60_000 });
    queue.add("a1", 700);
    const loop = new PollingLoop(subject, () => {});
    loop.start();
    await clock.tickAsync(699);
    expect(fired).to.deep.equal([]);
    await clock.tickAsync(1);
    expect(fired).to.deep.equal(["a1"]);
    await loop.stop();
  });

  it("a full batch asks for another round at once", async () => {
    const { subject, queue } = firing({ batchSize: 2 });
    for (const id of ["a", "b", "c"]) queue.add(id);
    expect(await subject.tick()).to.equal(0);
    expect(await subject.tick()).to.equal(1000);
    expect(queue.rows).to.deep.equal([]);
  });

  it("a timer that cannot be fired fails the round after the others fired; its lease brings it back", async () => {
    const { subject, queue, fired, failing } = firing();
    queue.add("a1");
    queue.add("a2");
    failing.add("a1");
    const errors: unknown[] = [];
    const loop = new PollingLoop(subject, (error) => errors.push(error), 1000);
    loop.start();
    await clock.tickAsync(0);
    expect(fired).to.deep.equal(["a1", "a2"]);
    expect(errors).to.have.length(1);
    expect((errors[0] as Error).message).to.equal("1 of 2 timers failed to fire");
    failing.clear();
    await clock.tickAsync(29_999);
    expect(fired, "claimed until its lease runs out").to.deep.equal(["a1", "a2"]);
    await clock.tickAsync(1000);
    expect(fired).to.deep.equal(["a1", "a2", "a1"]);
    expect(queue.rows).to.deep.equal([]);
    await loop.stop();
  });
});
