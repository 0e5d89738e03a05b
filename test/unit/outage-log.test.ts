import { expect } from "chai";
import sinon from "sinon";
import { systemClock } from "../../src/platform/time/system-clock.js";
import { OutageLog } from "../../src/platform/workers/outage-log.js";
import { MemoryLog } from "../support/memory-log.js";

const MESSAGES = { failing: "cannot reach it; will retry", recovered: "reaches it again" };

/** One step of a script: at `atMs` after the start, `key` fails (`count` times) or works. */
type Step = { atMs: number; key?: string } & ({ fail: number } | { ok: true });

describe("OutageLog (fake timers)", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0, toFake: ["Date"] });
  });
  afterEach(() => clock.restore());

  function play(steps: readonly Step[], summaryMs = 10_000): MemoryLog {
    const log = new MemoryLog();
    const outages = new OutageLog(log, systemClock, MESSAGES, summaryMs);
    for (const step of steps) {
      clock.setSystemTime(step.atMs);
      const key = step.key ?? "timer-service";
      if ("ok" in step) outages.succeeded(key, { key });
      else outages.failed(key, { key, reason: `failed at ${step.atMs}` }, step.fail);
    }
    return log;
  }

  const table: {
    name: string;
    steps: Step[];
    lines: { severity: string; fields: Record<string, unknown> }[];
  }[] = [
    {
      name: "the first failure is logged at once, with its details",
      steps: [{ atMs: 0, fail: 3 }],
      lines: [
        { severity: "warn", fields: { key: "timer-service", reason: "failed at 0", failures: 3 } },
      ],
    },
    {
      name: "failures within the interval are counted, not logged; the next one after it logs the count",
      steps: [
        { atMs: 0, fail: 1 },
        { atMs: 150, fail: 1 },
        { atMs: 300, fail: 2 },
        { atMs: 9_999, fail: 1 },
        { atMs: 10_000, fail: 1 },
      ],
      lines: [
        { severity: "warn", fields: { key: "timer-service", reason: "failed at 0", failures: 1 } },
        {
          severity: "warn",
          fields: {
            key: "timer-service",
            reason: "failed at 10000",
            failures: 5,
            outage_ms: 10_000,
          },
        },
      ],
    },
    {
      name: "a long outage: at most one summary per interval, each counting since the previous line",
      steps: Array.from({ length: 201 }, (_, i) => ({ atMs: i * 150, fail: 1 })),
      lines: [
        { severity: "warn", fields: { key: "timer-service", reason: "failed at 0", failures: 1 } },
        {
          severity: "warn",
          fields: {
            key: "timer-service",
            reason: "failed at 10050",
            failures: 67,
            outage_ms: 10_050,
          },
        },
        {
          severity: "warn",
          fields: {
            key: "timer-service",
            reason: "failed at 20100",
            failures: 67,
            outage_ms: 20_100,
          },
        },
      ],
    },
    {
      name: "working again ends the outage with one info line; the next failure is a new outage",
      steps: [
        { atMs: 0, fail: 1 },
        { atMs: 500, fail: 1 },
        { atMs: 2_000, ok: true },
        { atMs: 2_100, ok: true },
        { atMs: 3_000, fail: 1 },
      ],
      lines: [
        { severity: "warn", fields: { key: "timer-service", reason: "failed at 0", failures: 1 } },
        {
          severity: "info",
          fields: { key: "timer-service", failures_total: 2, outage_ms: 2_000 },
        },
        {
          severity: "warn",
          fields: { key: "timer-service", reason: "failed at 3000", failures: 1 },
        },
      ],
    },
    {
      name: "working without an outage logs nothing",
      steps: [
        { atMs: 0, ok: true },
        { atMs: 10, ok: true },
      ],
      lines: [],
    },
    {
      name: "outages are kept per key: one recovering does not end the other",
      steps: [
        { atMs: 0, key: "a", fail: 1 },
        { atMs: 10, key: "b", fail: 1 },
        { atMs: 20, key: "a", ok: true },
        { atMs: 30, key: "b", fail: 1 },
      ],
      lines: [
        { severity: "warn", fields: { key: "a", reason: "failed at 0", failures: 1 } },
        { severity: "warn", fields: { key: "b", reason: "failed at 10", failures: 1 } },
        { severity: "info", fields: { key: "a", failures_total: 1, outage_ms: 20 } },
      ],
    },
  ];
  for (const row of table) {
    it(row.name, () => {
      const log = play(row.steps);
      expect(log.lines.map(({ severity, fields }) => ({ severity, fields }))).to.deep.equal(
        row.lines,
      );
      const messages = { warn: MESSAGES.failing, info: MESSAGES.recovered };
      for (const line of log.lines) {
        expect(line.message).to.equal(messages[line.severity as "warn" | "info"]);
      }
    });
  }

  it("a relay retrying every 150 ms through a minute's outage writes a handful of lines, not 400", () => {
    const failures = Array.from({ length: 400 }, (_, i): Step => ({ atMs: i * 150, fail: 1 }));
    const log = play([...failures, { atMs: 60_000, ok: true }], 30_000);
    expect(log.summary()).to.deep.equal([
      `warn ${MESSAGES.failing}`,
      `warn ${MESSAGES.failing}`,
      `info ${MESSAGES.recovered}`,
    ]);
    expect(log.lines[2]?.fields).to.include({ failures_total: 400, outage_ms: 60_000 });
  });
});
