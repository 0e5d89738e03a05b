import { expect } from "chai";
import sinon from "sinon";
import { AckTimerRelay, type AckTimerRelayOptions } from "../../src/pager/app/ack-timer-relay.js";
import {
  type ExternalAckTimer,
  type ExternalTimerService,
  TimerIdTakenError,
} from "../../src/pager/app/external-timers.js";
import type {
  AckTimerRelayQueue,
  RelayedAckTimer,
  RelayFailure,
} from "../../src/pager/app/worker-ports.js";
import { systemClock } from "../../src/platform/time/system-clock.js";
import { PollingLoop } from "../../src/platform/workers/polling-loop.js";
import { MemoryLog } from "../support/memory-log.js";
import { RecordedMetrics } from "../support/recorded-metrics.js";

interface Row extends RelayedAckTimer {
  delivered: boolean;
  claimedUntilMs: number | null;
  lastError: string;
}

/** ack_timers in memory, with the relay's claim and lease rules. */
class MemoryRelayQueue implements AckTimerRelayQueue {
  rows: Row[] = [];
  readonly claims: { limit: number; leaseMs: number }[] = [];

  add(alertId: string, fields: Partial<Row> = {}): Row {
    const row: Row = {
      alertId,
      level: 0,
      fireTime: new Date(Date.now() + 60_000),
      generation: 0,
      attempts: 0,
      cancelled: false,
      delivered: false,
      claimedUntilMs: null,
      lastError: "",
      ...fields,
    };
    this.rows.push(row);
    return row;
  }

  private find(timer: RelayedAckTimer): Row {
    const row = this.rows.find((r) => r.alertId === timer.alertId && r.level === timer.level);
    if (row === undefined) throw new Error(`no timer ${timer.alertId}`);
    return row;
  }

  private waiting(): Row[] {
    return this.rows.filter((r) => !r.delivered || r.cancelled);
  }

  async claim(now: Date, limit: number, leaseMs: number): Promise<RelayedAckTimer[]> {
    this.claims.push({ limit, leaseMs });
    const at = now.getTime();
    const due = this.waiting()
      .filter((r) => r.claimedUntilMs === null || r.claimedUntilMs < at)
      .sort((a, b) => a.fireTime.getTime() - b.fireTime.getTime())
      .slice(0, limit);
    for (const row of due) row.claimedUntilMs = at + leaseMs;
    return due.map((row) => ({ ...row }));
  }

  async nextDueTime(now: Date): Promise<Date | null> {
    const waiting = this.waiting();
    if (waiting.length === 0) return null;
    return new Date(Math.min(...waiting.map((r) => r.claimedUntilMs ?? now.getTime())));
  }

  async markArmed(timer: RelayedAckTimer): Promise<void> {
    Object.assign(this.find(timer), {
      delivered: true,
      claimedUntilMs: null,
      attempts: 0,
      lastError: "",
    });
  }

  async deleteCancelled(timer: RelayedAckTimer): Promise<void> {
    this.rows = this.rows.filter((r) => r !== this.find(timer));
  }

  async moveToNextStep(timer: RelayedAckTimer): Promise<void> {
    const row = this.find(timer);
    Object.assign(row, { generation: row.generation + 1, claimedUntilMs: null });
  }

  async backOff(timer: RelayedAckTimer, failure: RelayFailure): Promise<void> {
    Object.assign(this.find(timer), {
      attempts: failure.attempts,
      lastError: failure.error,
      claimedUntilMs: failure.retryAt.getTime(),
    });
  }
}

/** The timer service as the relay sees it: records calls, fails while told to. */
class FakeTimerService implements ExternalTimerService {
  readonly calls: string[] = [];
  failure: Error | null = null;
  taken = new Set<string>();

  async arm(timer: ExternalAckTimer): Promise<void> {
    this.calls.push(`arm ${timer.timerId} ${timer.fireTime.getTime()}`);
    if (this.failure !== null) throw this.failure;
    if (this.taken.has(timer.timerId)) throw new TimerIdTakenError(`${timer.timerId} is taken`);
  }

  async cancel(timerId: string): Promise<void> {
    this.calls.push(`cancel ${timerId}`);
    if (this.failure !== null) throw this.failure;
  }
}

const OPTIONS: AckTimerRelayOptions = {
  batchSize: 10,
  leaseMs: 30_000,
  maxIdleMs: 1000,
  retry: { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 500, maxDelayMs: 10_000 },
};

function relay(options: Partial<AckTimerRelayOptions> = {}, random = () => 0) {
  const queue = new MemoryRelayQueue();
  const timers = new FakeTimerService();
  const log = new MemoryLog();
  const metrics = new RecordedMetrics();
  const subject = new AckTimerRelay(
    { queue, timers, clock: systemClock, log, metrics },
    { ...OPTIONS, ...options },
    random,
  );
  return { subject, queue, timers, log, metrics };
}

const UNREACHABLE = new Error("14 UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:50052");

describe("AckTimerRelay (fake timers, in-memory ack_timers)", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => clock.restore());

  it("arms a new timer under its deterministic id, then marks it handed over", async () => {
    const { subject, queue, timers, log } = relay();
    const row = queue.add("a1", { level: 2, generation: 1, attempts: 3, lastError: "earlier" });
    await subject.tick();
    expect(timers.calls).to.deep.equal([`arm pager-ack-a1-2-1 ${row.fireTime.getTime()}`]);
    expect(row).to.include({ delivered: true, attempts: 0, lastError: "", claimedUntilMs: null });
    expect(log.lines).to.deep.equal([]);
  });

  it("cancels a cancelled timer at the timer service, then deletes it", async () => {
    const { subject, queue, timers } = relay();
    queue.add("a1", { delivered: true, cancelled: true });
    await subject.tick();
    expect(timers.calls).to.deep.equal(["cancel pager-ack-a1-0-0"]);
    expect(queue.rows).to.deep.equal([]);
  });

  describe("the timer service unreachable: claim held until the backoff time, never given up", () => {
    const rows: {
      name: string;
      attemptsBefore: number;
      random: number;
      maxAttempts?: number;
      retryInMs: number;
    }[] = [
      { name: "first failure, least jitter", attemptsBefore: 0, random: 0, retryInMs: 250 },
      { name: "first failure, most jitter", attemptsBefore: 0, random: 0.9999, retryInMs: 500 },
      {
        name: "fifth failure: the step has doubled four times",
        attemptsBefore: 4,
        random: 0,
        retryInMs: 4000,
      },
      {
        name: "after many failures: at most the cap",
        attemptsBefore: 40,
        random: 0.9999,
        retryInMs: 10_000,
      },
      {
        name: "a finite budget spent: the cap, still not given up",
        attemptsBefore: 5,
        random: 0,
        maxAttempts: 3,
        retryInMs: 10_000,
      },
    ];
    for (const row of rows) {
      it(row.name, async () => {
        const retry = {
          ...OPTIONS.retry,
          maxAttempts: row.maxAttempts ?? OPTIONS.retry.maxAttempts,
        };
        const { subject, queue, timers } = relay({ retry }, () => row.random);
        const timer = queue.add("a1", { attempts: row.attemptsBefore });
        timers.failure = UNREACHABLE;
        await subject.tick();
        expect(timer).to.include({
          attempts: row.attemptsBefore + 1,
          lastError: UNREACHABLE.message,
          claimedUntilMs: Date.now() + row.retryInMs,
          delivered: false,
        });
      });
    }
  });

  it("retries at the backoff time with the loop asleep in between, and hands over once it can", async () => {
    const { subject, queue, timers } = relay();
    const timer = queue.add("a1");
    timers.failure = UNREACHABLE;
    const loop = new PollingLoop(subject, () => {});
    loop.start();
    await clock.tickAsync(0);
    expect(timers.calls).to.have.length(1);
    await clock.tickAsync(249);
    expect(timers.calls).to.have.length(1);
    timers.failure = null;
    // The claim is free once its time has passed: the first round after it takes the timer.
    await clock.tickAsync(2);
    expect(timers.calls).to.have.length(2);
    expect(timer.delivered).to.equal(true);
    await loop.stop();
  });

  it("an id taken with other content moves the timer to the next step, with a warning, and arms it there", async () => {
    const { subject, queue, timers, log } = relay();
    const timer = queue.add("a1", { level: 1 });
    timers.taken.add("pager-ack-a1-1-0");
    await subject.tick();
    expect(timer).to.include({ generation: 1, delivered: false, attempts: 0 });
    expect(log.summary()).to.deep.equal([
      "warn timer id taken at the timer service with other content; arming under the next id",
    ]);
    expect(log.lines[0]?.fields).to.deep.include({
      alert_id: "a1",
      escalation_level: 1,
      timer_id: "pager-ack-a1-1-0",
    });
    await subject.tick();
    expect(timers.calls.at(-1)).to.match(/^arm pager-ack-a1-1-1 /);
    expect(timer.delivered).to.equal(true);
  });

  it("claims a full batch and asks for another round at once; otherwise sleeps until the next is free", async () => {
    const { subject, queue } = relay({ batchSize: 2, maxIdleMs: 1000 });
    for (const id of ["a", "b", "c"]) queue.add(id);
    expect(await subject.tick()).to.equal(0);
    expect(queue.claims).to.deep.equal([{ limit: 2, leaseMs: 30_000 }]);
    expect(await subject.tick(), "nothing left to relay").to.equal(1000);
    queue.add("d", { claimedUntilMs: Date.now() + 300 });
    expect(await subject.tick(), "claimed elsewhere until its lease ends").to.equal(300);
  });

  it("a timer service down: one warning, a summary at most every 30 s with the count, a line once it is back", async () => {
    const { subject, queue, timers, log, metrics } = relay();
    queue.add("a1");
    queue.add("a2");
    timers.failure = UNREACHABLE;
    const loop = new PollingLoop(subject, () => {});
    loop.start();
    await clock.tickAsync(65_000);
    const failedCalls = timers.calls.length;
    expect(failedCalls, "retried all along").to.be.above(10);
    timers.failure = null;
    await clock.tickAsync(10_001);
    await loop.stop();
    const failing = "could not relay timers to the timer service; will retry";
    expect(log.summary()).to.deep.equal([
      `warn ${failing}`,
      `warn ${failing}`,
      `warn ${failing}`,
      "info relaying timers to the timer service again",
    ]);
    expect(log.lines[0]?.fields).to.deep.equal({ reason: UNREACHABLE.message, failures: 2 });
    expect(log.lines[1]?.fields).to.include({ reason: UNREACHABLE.message });
    expect(log.lines[1]?.fields.outage_ms).to.be.within(30_000, 40_000);
    expect(log.lines[3]?.fields).to.include({ failures_total: failedCalls });
    expect(metrics.relayFailures, "a metric counts every attempt the log sums up").to.equal(
      failedCalls,
    );
    expect(queue.rows.every((row) => row.delivered)).to.equal(true);
  });
});
