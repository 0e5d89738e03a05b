import { expect } from "chai";
import sinon from "sinon";
import { systemClock } from "../../src/platform/time/system-clock.js";
import type {
  CallbackResult,
  ClaimedTimer,
  DueTimerQueue,
  RecordedFailure,
} from "../../src/timer/app/ports.js";
import { TimerFiring } from "../../src/timer/app/timer-firing.js";
import { CallbackAllowlist } from "../../src/timer/domain/callback-allowlist.js";
import { MemoryLog } from "../support/memory-log.js";
import { RecordedMetrics } from "../support/recorded-metrics.js";

const ENDPOINT = "127.0.0.1:50051";

/** Due timers in memory; records what firing wrote back. */
class FakeQueue implements DueTimerQueue {
  readonly fired: string[] = [];
  readonly failures: { id: string; failure: RecordedFailure }[] = [];
  constructor(public due: ClaimedTimer[]) {}
  async claim(_now: Date, limit: number) {
    return this.due.splice(0, limit);
  }
  async nextDueTime() {
    return null;
  }
  async markFired(id: string) {
    this.fired.push(id);
  }
  async recordFailure(id: string, failure: RecordedFailure) {
    this.failures.push({ id, failure });
  }
}

function timer(id: string, endpoint = ENDPOINT): ClaimedTimer {
  return {
    id,
    fireTime: new Date(0),
    callback: { endpoint, method: "a.B/C", request: new Uint8Array(), metadata: {} },
    attempts: 0,
  };
}

function firing(queue: FakeQueue, send: () => Promise<CallbackResult>) {
  const wakes: number[] = [];
  const metrics = new RecordedMetrics();
  const subject = new TimerFiring(
    {
      queue,
      sender: { send },
      clock: { now: () => new Date(1000) },
      allowlist: new CallbackAllowlist([`${ENDPOINT}/a.B/C`]),
      log: { debug() {}, info() {}, warn() {}, error() {} },
      metrics,
    },
    {
      batchSize: 10,
      maxInFlight: 2,
      leaseMs: 10_000,
      deadlineMs: 1000,
      maxIdleMs: 500,
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
    },
    () => 0,
  );
  subject.attach((ms = 0) => wakes.push(ms));
  return { subject, wakes, metrics };
}

describe("timer firing (fakes)", () => {
  it("keeps at most maxInFlight callbacks going, and claims more as soon as one ends", async () => {
    const queue = new FakeQueue([timer("a"), timer("b"), timer("c")]);
    const pending: ((result: CallbackResult) => void)[] = [];
    const { subject, wakes } = firing(
      queue,
      () => new Promise<CallbackResult>((resolve) => pending.push(resolve)),
    );
    expect(await subject.tick(), "a full claim asks for another round at once").to.equal(0);
    expect(pending).to.have.length(2);
    expect(await subject.tick(), "at the limit, it claims nothing and waits").to.equal(500);
    expect(queue.due.map((t) => t.id)).to.deep.equal(["c"]);
    pending[0]?.({ ok: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(wakes).to.deep.equal([0]);
    await subject.tick();
    expect(pending).to.have.length(3);
    for (const resolve of pending.slice(1)) resolve({ ok: true });
    await subject.drain();
    expect(queue.fired.sort()).to.deep.equal(["a", "b", "c"]);
  });

  it("retries a retryable failure at the backoff time, fails a final one, refuses a dropped endpoint", async () => {
    const queue = new FakeQueue([timer("busy"), timer("refused"), timer("gone", "10.0.0.9:1")]);
    const results: Record<string, CallbackResult> = {
      busy: { ok: false, retryable: true, error: "UNAVAILABLE: restarting", code: "UNAVAILABLE" },
      refused: {
        ok: false,
        retryable: false,
        error: "NOT_FOUND: no such alert",
        code: "NOT_FOUND",
      },
    };
    let calls = 0;
    const order = ["busy", "refused"];
    const { subject, wakes, metrics } = firing(
      queue,
      async () => results[order[calls++] ?? ""] as CallbackResult,
    );
    for (let round = 0; round < 2; round++) {
      await subject.tick();
      await subject.drain();
    }
    expect(calls, "the dropped endpoint is never called").to.equal(2);
    const byId = Object.fromEntries(queue.failures.map((f) => [f.id, f.failure]));
    expect(byId.busy?.retryAt?.getTime()).to.equal(1000 + 50);
    expect(wakes).to.include(50);
    expect(byId.refused?.retryAt).to.equal(null);
    expect(byId.gone).to.include({ retryAt: null, attempts: 1 });
    expect(byId.gone?.error).to.match(/no longer on the callback allow-list/);
    expect(metrics.attempts, "each attempt counted by code, retried or not").to.have.deep.members([
      { code: "UNAVAILABLE", retry: true },
      { code: "NOT_FOUND", retry: false },
      { code: "NOT_ALLOWED", retry: false },
    ]);
  });

  it("a callee that stays down: one warning, a summary per 30 s with the count, a line when it answers", async () => {
    const clock = sinon.useFakeTimers({ now: 0, toFake: ["Date"] });
    try {
      const other = "127.0.0.1:50099";
      const queue = new FakeQueue([]);
      const log = new MemoryLog();
      const down = new Set([ENDPOINT, other]);
      const subject = new TimerFiring(
        {
          queue,
          sender: {
            send: async (callback) =>
              down.has(callback.endpoint)
                ? {
                    ok: false,
                    retryable: true,
                    error: "UNAVAILABLE: connection refused",
                    code: "UNAVAILABLE",
                  }
                : { ok: true },
          },
          clock: systemClock,
          allowlist: new CallbackAllowlist([ENDPOINT, other]),
          log,
          metrics: new RecordedMetrics(),
        },
        {
          batchSize: 10,
          maxInFlight: 10,
          leaseMs: 10_000,
          deadlineMs: 1000,
          maxIdleMs: 500,
          retry: { maxAttempts: 1000, baseDelayMs: 100, maxDelayMs: 1000 },
        },
        () => 0,
      );
      const fireAt = async (atMs: number, endpoint = ENDPOINT) => {
        clock.setSystemTime(atMs);
        queue.due.push(timer(`t${atMs}`, endpoint));
        await subject.tick();
        await subject.drain();
      };
      for (let at = 0; at <= 31_000; at += 1000) await fireAt(at);
      await fireAt(31_500, other);
      down.delete(ENDPOINT);
      await fireAt(32_000);
      const failing = "warn callback failed; will retry";
      expect(log.summary()).to.deep.equal([
        failing,
        failing,
        failing,
        "debug timer fired",
        "info callbacks to this endpoint succeed again",
      ]);
      expect(log.lines[0]?.fields).to.deep.include({
        endpoint: ENDPOINT,
        timer_id: "t0",
        attempts: 1,
        error: "UNAVAILABLE: connection refused",
        failures: 1,
      });
      expect(log.lines[1]?.fields).to.include({
        timer_id: "t30000",
        failures: 30,
        outage_ms: 30_000,
      });
      expect(log.lines[2]?.fields).to.include({ endpoint: other, failures: 1 });
      expect(log.lines[4]?.fields).to.deep.equal({
        endpoint: ENDPOINT,
        failures_total: 32,
        outage_ms: 32_000,
      });
      expect(queue.failures, "every failure is still recorded on its timer").to.have.length(33);
    } finally {
      clock.restore();
    }
  });
});
