import { expect } from "chai";
import sinon from "sinon";
import { DeliveryError, type DeliveryReceipt } from "../../src/pager/app/notification-channel.js";
import {
  type DispatcherOptions,
  NotificationDispatcher,
} from "../../src/pager/app/notification-dispatcher.js";
import type {
  ClaimedPage,
  FailedAttempt,
  NotificationOutbox,
  SentPage,
} from "../../src/pager/app/worker-ports.js";
import type { NewAlertEvent } from "../../src/pager/domain/alert-event.js";
import { systemClock } from "../../src/platform/time/system-clock.js";
import { PollingLoop } from "../../src/platform/workers/polling-loop.js";
import { MemoryLog } from "../support/memory-log.js";
import { RecordedMetrics } from "../support/recorded-metrics.js";

interface Row {
  page: ClaimedPage;
  state: "pending" | "sent" | "failed";
  attempts: number;
  nextAttemptMs: number;
  claimedUntilMs: number | null;
  lastError: string;
}

/** The notifications table in memory, with the claim and lease rules of the real one. */
class MemoryOutbox implements NotificationOutbox {
  readonly rows = new Map<string, Row>();
  readonly claims: { limit: number; leaseMs: number }[] = [];
  /** Timeline entries written: only with a mark that changed the page, as in the real one. */
  readonly events: NewAlertEvent[] = [];
  failMarkSent = false;

  add(id: string, fields: Partial<ClaimedPage> = {}): void {
    const page: ClaimedPage = {
      id,
      alertId: "alert-1",
      level: 0,
      target: { kind: "email", address: `${id}@example.com` },
      attempts: 0,
      attemptsAtRetry: 0,
      monitoredServiceId: "service-1",
      serviceName: "payments-api",
      message: "disk full",
      details: {},
      dedupKey: "",
      queueTime: new Date(),
      ...fields,
    };
    this.rows.set(id, {
      page,
      state: "pending",
      attempts: page.attempts,
      nextAttemptMs: Date.now(),
      claimedUntilMs: null,
      lastError: "",
    });
  }

  row(id: string): Row {
    const row = this.rows.get(id);
    if (row === undefined) throw new Error(`no page ${id}`);
    return row;
  }

  async claim(now: Date, limit: number, leaseMs: number): Promise<ClaimedPage[]> {
    this.claims.push({ limit, leaseMs });
    const at = now.getTime();
    const due = [...this.rows.values()]
      .filter((r) => r.state === "pending" && r.nextAttemptMs <= at)
      .filter((r) => r.claimedUntilMs === null || r.claimedUntilMs < at)
      .sort((a, b) => a.nextAttemptMs - b.nextAttemptMs)
      .slice(0, limit);
    for (const row of due) row.claimedUntilMs = at + leaseMs;
    return due.map((row) => ({ ...row.page, attempts: row.attempts }));
  }

  async nextDueTime(): Promise<Date | null> {
    const pending = [...this.rows.values()].filter((r) => r.state === "pending");
    if (pending.length === 0) return null;
    return new Date(
      Math.min(...pending.map((r) => Math.max(r.nextAttemptMs, r.claimedUntilMs ?? 0))),
    );
  }

  async markSent(sent: SentPage): Promise<void> {
    if (this.failMarkSent) throw new Error("connection terminated");
    const row = this.row(sent.id);
    if (row.state !== "pending") return;
    Object.assign(row, { state: "sent", attempts: sent.attempts, claimedUntilMs: null });
    this.events.push(sent.event);
  }

  async markFailed(attempt: FailedAttempt, now: Date): Promise<void> {
    const row = this.row(attempt.id);
    if (row.state !== "pending") return;
    Object.assign(row, {
      state: attempt.retryAt === null ? "failed" : "pending",
      attempts: attempt.attempts,
      lastError: attempt.reason,
      nextAttemptMs: (attempt.retryAt ?? now).getTime(),
      claimedUntilMs: null,
    });
    this.events.push(attempt.event);
  }

  async levelOutcome(alertId: string, level: number) {
    const rows = [...this.rows.values()].filter(
      (r) => r.page.alertId === alertId && r.page.level === level,
    );
    return { pages: rows.length, failed: rows.filter((r) => r.state === "failed").length };
  }
}

/** What a provider does with one attempt: accept, refuse, or hold it until released. */
type Attempt = "accept" | Error | "hold";

/** A channel that plays a script per page and remembers what it was asked to send. */
class ScriptedChannel {
  readonly sent: string[] = [];
  readonly held: ((receipt: DeliveryReceipt) => void)[] = [];
  private readonly scripts = new Map<string, Attempt[]>();

  script(id: string, ...attempts: Attempt[]): void {
    this.scripts.set(id, attempts);
  }

  send = async (page: { notificationId: string }): Promise<DeliveryReceipt> => {
    this.sent.push(page.notificationId);
    const next = this.scripts.get(page.notificationId)?.shift() ?? "accept";
    if (next === "hold") return new Promise((resolve) => this.held.push(resolve));
    if (next instanceof Error) throw next;
    return { providerId: `msg-${page.notificationId}` };
  };
}

const OPTIONS: DispatcherOptions = {
  batchSize: 10,
  maxInFlight: 10,
  leaseMs: 30_000,
  maxIdleMs: 60_000,
  retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 3000 },
};

function dispatcher(options: Partial<DispatcherOptions> = {}, random = () => 0) {
  const outbox = new MemoryOutbox();
  const channel = new ScriptedChannel();
  const log = new MemoryLog();
  const recorded = { count: 0 };
  const metrics = new RecordedMetrics();
  const subject = new NotificationDispatcher(
    {
      outbox,
      channelFor: () => channel,
      clock: systemClock,
      log,
      recorded: () => recorded.count++,
      metrics,
    },
    { ...OPTIONS, ...options },
    random,
  );
  return { subject, outbox, channel, log, recorded, metrics };
}

/** Lets promise callbacks run between fake-timer steps. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("NotificationDispatcher (fake timers, in-memory outbox)", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => clock.restore());

  describe("a failed attempt: retried within the backoff bounds, or failed", () => {
    const transient = new DeliveryError("Twilio answered HTTP 503: Service Unavailable", false);
    const permanent = new DeliveryError("Twilio answered HTTP 400: not a valid phone number", true);
    const rows: {
      name: string;
      error: Error;
      attemptsBefore: number;
      attemptsAtRetry?: number;
      random: number;
      /** ms after the failure when the page is due again; null: FAILED. */
      retryInMs: number | null;
    }[] = [
      {
        name: "first transient failure, least jitter: half the base",
        error: transient,
        attemptsBefore: 0,
        random: 0,
        retryInMs: 500,
      },
      {
        name: "first transient failure, most jitter: the whole base",
        error: transient,
        attemptsBefore: 0,
        random: 0.9999,
        retryInMs: 1000,
      },
      {
        name: "second failure: the step doubles",
        error: transient,
        attemptsBefore: 1,
        random: 0,
        retryInMs: 1000,
      },
      {
        name: "third failure: the step reaches the cap",
        error: transient,
        attemptsBefore: 2,
        random: 0.9999,
        retryInMs: 3000,
      },
      {
        name: "fourth failure: the step stays at the cap",
        error: transient,
        attemptsBefore: 3,
        random: 0.9999,
        retryInMs: 3000,
      },
      {
        name: "the last attempt of the budget fails the page",
        error: transient,
        attemptsBefore: 4,
        random: 0,
        retryInMs: null,
      },
      {
        name: "a permanent refusal fails the page at once",
        error: permanent,
        attemptsBefore: 0,
        random: 0,
        retryInMs: null,
      },
      {
        name: "an error that is no DeliveryError is retried",
        error: new TypeError("boom"),
        attemptsBefore: 0,
        random: 0,
        retryInMs: 500,
      },
      {
        name: "after an operator's retry the budget starts afresh",
        error: transient,
        attemptsBefore: 5,
        attemptsAtRetry: 5,
        random: 0,
        retryInMs: 500,
      },
    ];
    for (const row of rows) {
      it(row.name, async () => {
        const { subject, outbox, channel, log } = dispatcher({}, () => row.random);
        outbox.add("n1", {
          attempts: row.attemptsBefore,
          attemptsAtRetry: row.attemptsAtRetry ?? 0,
        });
        channel.script("n1", row.error);
        await subject.tick();
        await subject.drain();
        const page = outbox.row("n1");
        expect(page.attempts).to.equal(row.attemptsBefore + 1);
        expect(page.lastError).to.equal(row.error.message);
        if (row.retryInMs === null) {
          expect(page.state).to.equal("failed");
          expect(log.summary()[0]).to.equal("warn page delivery failed");
        } else {
          expect(page).to.include({ state: "pending", nextAttemptMs: Date.now() + row.retryInMs });
          expect(log.summary()).to.deep.equal(["warn page delivery failed; will retry"]);
        }
        expect(log.lines[0]?.fields).to.deep.equal({
          notification_id: "n1",
          alert_id: "alert-1",
          escalation_level: 0,
          attempts: row.attemptsBefore + 1,
          reason: row.error.message,
        });
        expect(outbox.events).to.deep.equal([
          {
            alertId: "alert-1",
            monitoredServiceId: "service-1",
            createTime: new Date(),
            actor: { kind: "system", name: "dispatcher" },
            detail: {
              kind: "page-failed",
              notificationId: "n1",
              level: 0,
              target: { kind: "email", address: "n1@example.com" },
              attempt: row.attemptsBefore + 1,
              error: row.error.message,
              final: row.retryInMs === null,
            },
          },
        ]);
      });
    }
  });

  it("a delivered page is marked with its timeline entry, and live watchers are told", async () => {
    const { subject, outbox, recorded } = dispatcher();
    outbox.add("n1", { level: 2, attempts: 1 });
    await subject.tick();
    await subject.drain();
    expect(outbox.events.map((e) => e.detail)).to.deep.equal([
      {
        kind: "page-sent",
        notificationId: "n1",
        level: 2,
        target: { kind: "email", address: "n1@example.com" },
        attempt: 2,
        providerMessageId: "msg-n1",
      },
    ]);
    expect(outbox.events[0]?.actor).to.deep.equal({ kind: "system", name: "dispatcher" });
    expect(recorded.count).to.equal(1);
  });

  it("a retry comes back at its time, with the loop asleep in between", async () => {
    const { subject, outbox, channel, metrics } = dispatcher();
    outbox.add("n1", { queueTime: new Date(Date.now() - 250) });
    channel.script("n1", new DeliveryError("503", false));
    const loop = new PollingLoop(subject, () => {});
    loop.start();
    await clock.tickAsync(0);
    await settle();
    expect(channel.sent).to.deep.equal(["n1"]);
    await clock.tickAsync(499);
    expect(channel.sent).to.have.length(1);
    await clock.tickAsync(1);
    await settle();
    expect(channel.sent).to.deep.equal(["n1", "n1"]);
    expect(outbox.row("n1")).to.include({ state: "sent", attempts: 2 });
    expect(metrics.failed, "the failed attempt, to be retried").to.deep.equal([
      { channel: "email", final: false },
    ]);
    expect(metrics.sent, "latency counts from the commit that queued it").to.deep.equal([
      { channel: "email", latencyMs: 250 + 500 },
    ]);
    await loop.stop();
  });

  it("a page claimed by a dispatcher that went silent is delivered by another after the lease", async () => {
    const first = dispatcher();
    first.outbox.add("n1");
    first.channel.script("n1", "hold");
    await first.subject.tick();
    expect(first.outbox.claims).to.deep.equal([{ limit: 10, leaseMs: 30_000 }]);
    const second = new NotificationDispatcher(
      {
        outbox: first.outbox,
        channelFor: () => first.channel,
        clock: systemClock,
        log: first.log,
        recorded: () => {},
        metrics: first.metrics,
      },
      OPTIONS,
    );
    expect(await second.tick(), "sleeps until the lease runs out").to.equal(30_000);
    expect(first.channel.sent).to.have.length(1);
    clock.tick(30_001);
    await second.tick();
    await second.drain();
    expect(first.channel.sent).to.deep.equal(["n1", "n1"]);
    expect(first.outbox.row("n1")).to.include({ state: "sent", attempts: 1 });
  });

  it("full house: claims nothing at maxInFlight, and the first delivery to end wakes the loop", async () => {
    const { subject, outbox, channel } = dispatcher({ maxInFlight: 2, batchSize: 10 });
    for (const id of ["a", "b", "c"]) {
      outbox.add(id);
      channel.script(id, "hold");
    }
    const wakes: number[] = [];
    subject.attach(() => wakes.push(Date.now()));
    expect(await subject.tick(), "a claim that filled the room asks for a round at once").to.equal(
      0,
    );
    expect(await subject.tick(), "full: waits for a delivery to end").to.equal(60_000);
    expect(outbox.claims.map((c) => c.limit)).to.deep.equal([2]);
    channel.held[0]?.({ providerId: "" });
    await settle();
    expect(wakes).to.have.length(1);
    await subject.tick();
    expect(outbox.claims.map((c) => c.limit)).to.deep.equal([2, 1]);
    expect(channel.sent).to.deep.equal(["a", "b", "c"]);
    for (const release of channel.held.slice(1)) release({ providerId: "" });
    await subject.drain();
  });

  it("a delivery that ends with room to spare asks for no round; a failed one asks for one when its retry is due", async () => {
    const { subject, outbox, channel } = dispatcher();
    outbox.add("ok");
    outbox.add("refused");
    channel.script("refused", new Error("connection reset"));
    const wakes: (number | undefined)[] = [];
    subject.attach((withinMs) => wakes.push(withinMs));
    await subject.tick();
    await subject.drain();
    expect(outbox.row("ok")).to.include({ state: "sent" });
    const retryInMs = outbox.row("refused").nextAttemptMs - Date.now();
    expect(retryInMs).to.be.above(0);
    expect(wakes).to.deep.equal([retryInMs]);
  });

  it("stopping waits for the deliveries in flight and records them", async () => {
    const { subject, outbox, channel } = dispatcher();
    outbox.add("n1");
    channel.script("n1", "hold");
    const loop = new PollingLoop(subject, () => {});
    loop.start();
    await clock.tickAsync(0);
    let stopped = false;
    const stopping = loop.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).to.equal(false);
    channel.held[0]?.({ providerId: "SM1" });
    await stopping;
    expect(outbox.row("n1")).to.include({ state: "sent", attempts: 1 });
  });

  it("sleeps until the next page is due, never longer than maxIdleMs", async () => {
    const { subject, outbox } = dispatcher();
    expect(await subject.tick(), "nothing pending").to.equal(60_000);
    outbox.add("later");
    outbox.row("later").nextAttemptMs = Date.now() + 2500;
    expect(await subject.tick()).to.equal(2500);
  });

  it("warns once a level's every page failed, not while one may still get through", async () => {
    const { subject, outbox, channel, log } = dispatcher();
    const refused = new DeliveryError("550 no such user", true);
    outbox.add("a");
    outbox.add("b");
    channel.script("a", refused);
    channel.script("b", "hold");
    await subject.tick();
    await settle();
    expect(log.summary()).to.deep.equal(["warn page delivery failed"]);
    channel.held[0]?.({ providerId: "" });
    await subject.drain();
    outbox.add("c", { alertId: "alert-2", level: 1 });
    channel.script("c", refused);
    await subject.tick();
    await subject.drain();
    expect(log.summary()).to.deep.equal([
      "warn page delivery failed",
      "warn page delivery failed",
      "warn every page of this escalation level failed: nobody was reached",
    ]);
    expect(log.lines[2]?.fields).to.deep.equal({
      alert_id: "alert-2",
      escalation_level: 1,
      pages: 1,
    });
  });

  it("an outcome that cannot be written yet is retried while the claim lasts, so the page is not sent twice", async () => {
    const { subject, outbox, channel, log } = dispatcher();
    outbox.add("n1");
    outbox.failMarkSent = true;
    await subject.tick();
    await clock.tickAsync(5000);
    expect(outbox.row("n1")).to.include({ state: "pending" });
    outbox.failMarkSent = false;
    await clock.tickAsync(2000);
    await subject.drain();
    expect(outbox.row("n1")).to.include({ state: "sent", attempts: 1 });
    expect(channel.sent).to.deep.equal(["n1"]);
    expect(log.summary()).to.deep.equal([]);
  });

  it("an outcome still unwritten when the claim nears its end is logged as an error; the lease brings the page back", async () => {
    const { subject, outbox, log } = dispatcher();
    outbox.add("n1");
    outbox.failMarkSent = true;
    const claimedAt = Date.now();
    await subject.tick();
    await clock.tickAsync(21_000);
    expect(log.summary(), "still retrying before three quarters of the lease").to.deep.equal([]);
    await clock.tickAsync(2000);
    await subject.drain();
    expect(log.summary()).to.deep.equal([
      "error delivery outcome not recorded; the page is retried after its lease",
    ]);
    expect(outbox.row("n1")).to.include({ state: "pending", claimedUntilMs: claimedAt + 30_000 });
  });
});
