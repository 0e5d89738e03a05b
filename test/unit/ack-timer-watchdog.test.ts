import { expect } from "chai";
import sinon from "sinon";
import { AckTimerWatchdog } from "../../src/pager/app/ack-timer-watchdog.js";
import type { OverdueAckTimers, RearmedAckTimer } from "../../src/pager/app/worker-ports.js";
import { systemClock } from "../../src/platform/time/system-clock.js";
import { PollingLoop } from "../../src/platform/workers/polling-loop.js";
import { MemoryLog } from "../support/memory-log.js";

/** Hands out what the test says was overdue, and remembers each cut-off it was asked about. */
class ScriptedOverdue implements OverdueAckTimers {
  readonly cutOffs: number[] = [];
  next: RearmedAckTimer[] = [];

  async rearm(overdueBefore: Date): Promise<RearmedAckTimer[]> {
    this.cutOffs.push(overdueBefore.getTime());
    const found = this.next;
    this.next = [];
    return found;
  }
}

const START = 1_000_000;

function watchdog(graceMs: number, intervalMs: number) {
  const overdue = new ScriptedOverdue();
  const log = new MemoryLog();
  const rearms: number[] = [];
  const subject = new AckTimerWatchdog(
    { overdue, clock: systemClock, log, onRearm: () => rearms.push(Date.now()) },
    { graceMs, intervalMs },
  );
  return { subject, overdue, log, rearms };
}

describe("AckTimerWatchdog (fake timers)", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: START, toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => clock.restore());

  const cadences = [
    { graceMs: 60_000, intervalMs: 15_000 },
    { graceMs: 2000, intervalMs: 1000 },
  ];
  for (const { graceMs, intervalMs } of cadences) {
    it(`grace ${graceMs} ms: looks every ${intervalMs} ms for timers overdue by more than the grace`, async () => {
      const { subject, overdue } = watchdog(graceMs, intervalMs);
      const loop = new PollingLoop(subject, () => {});
      loop.start();
      await clock.tickAsync(0);
      await clock.tickAsync(intervalMs - 1);
      expect(overdue.cutOffs).to.deep.equal([START - graceMs]);
      await clock.tickAsync(1 + intervalMs);
      expect(overdue.cutOffs).to.deep.equal([
        START - graceMs,
        START + intervalMs - graceMs,
        START + 2 * intervalMs - graceMs,
      ]);
      await loop.stop();
    });
  }

  it("warns once per re-armed timer, naming the lost and the new id, and wakes the relay once", async () => {
    const { subject, overdue, log, rearms } = watchdog(60_000, 15_000);
    overdue.next = [
      { alertId: "a1", level: 0, generation: 1, fireTime: new Date(START - 90_000) },
      { alertId: "a2", level: 2, generation: 3, fireTime: new Date(START - 61_000) },
    ];
    expect(await subject.tick()).to.equal(15_000);
    expect(log.summary()).to.deep.equal([
      "warn acknowledgement timer overdue with no callback; re-armed it",
      "warn acknowledgement timer overdue with no callback; re-armed it",
    ]);
    expect(log.lines.map((line) => line.fields)).to.deep.equal([
      {
        alert_id: "a1",
        escalation_level: 0,
        lost_timer_id: "pager-ack-a1-0-0",
        timer_id: "pager-ack-a1-0-1",
        overdue_ms: 90_000,
      },
      {
        alert_id: "a2",
        escalation_level: 2,
        lost_timer_id: "pager-ack-a2-2-2",
        timer_id: "pager-ack-a2-2-3",
        overdue_ms: 61_000,
      },
    ]);
    expect(rearms).to.deep.equal([START]);
  });

  it("nothing overdue: no line, no wake", async () => {
    const { subject, log, rearms } = watchdog(60_000, 15_000);
    await subject.tick();
    expect(log.lines).to.deep.equal([]);
    expect(rearms).to.deep.equal([]);
  });
});
