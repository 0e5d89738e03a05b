import { execFile } from "node:child_process";
import { setTimeout as delay } from "node:timers/promises";
import { promisify } from "node:util";
import { create, toBinary } from "@bufbuild/protobuf";
import { StringValueSchema, timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import type pg from "pg";
import { Health, HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { TimerService, TimerState } from "../../gen/timer/v1/timer_service_pb.js";
import { assertionPool } from "../support/assertion-pool.js";
import { type CallbackServer, startCallbackServer } from "../support/callback-server.js";
import { testDatabaseUrl } from "../support/global-database.js";
import { seconds, uniqueName } from "../support/pager-fixtures.js";
import { eventually } from "../support/pager-harness.js";
import { startTimerHarness, type TimerHarness } from "../support/timer-harness.js";

const { method } = TimerService;
const CALLEE = "test.v1.Callee/Fire";

/** A request body the callee can tell apart: the serialized StringValue of `text`. */
function body(text: string): Uint8Array {
  return toBinary(StringValueSchema, create(StringValueSchema, { value: text }));
}

/**
 * timer.v1 against a replica in this process and a callee that records
 * every call: the contract's idempotency, refusals, punctual firing,
 * retries, failure, cancellation and listing.
 */
describe("timer service (real PostgreSQL, grpc-js client, grpc-js callee)", () => {
  let h: TimerHarness;
  let callee: CallbackServer;
  let db: pg.Pool;
  /** How the callee answers the next call; the test in charge sets it. */
  let answer: () => Buffer = () => Buffer.alloc(0);

  before(async () => {
    callee = await startCallbackServer([CALLEE], () => answer());
    const url = await testDatabaseUrl();
    h = await startTimerHarness(url, {
      TIMER_CALLBACK_ALLOWLIST: callee.endpoint,
      TIMER_RETRY_BASE_MS: "100",
      TIMER_RETRY_MAX_MS: "200",
      TIMER_MAX_ATTEMPTS: "4",
      TIMER_LEASE_MS: "2000",
      TIMER_CALLBACK_DEADLINE_MS: "1000",
    });
    db = assertionPool(url);
  });
  after(async () => {
    await h?.stop();
    await callee?.close();
    await db?.end();
  });
  afterEach(() => {
    answer = () => Buffer.alloc(0);
  });

  function setIn(timerId: string, ms: number, text = timerId) {
    return h.client.call(method.setTimer, {
      timerId,
      schedule: { case: "fireTime", value: timestampFromMs(Date.now() + ms) },
      callback: { endpoint: callee.endpoint, method: CALLEE, request: body(text) },
    });
  }

  /** The timer once it is in `state`; fails after `timeoutMs`. */
  function reaches(timerId: string, state: TimerState, timeoutMs?: number) {
    return eventually(async () => {
      const { timer } = await h.client.call(method.getTimer, { timerId });
      expect(timer?.state, timerId).to.equal(state);
      return timer;
    }, timeoutMs);
  }

  function callsWith(text: string) {
    const expected = Buffer.from(body(text));
    return callee.received.filter((call) => call.request.equals(expected));
  }

  it("fires on time, once, with the caller's bytes, and marks the timer FIRED", async () => {
    const ids = [uniqueName("t"), uniqueName("t"), uniqueName("t")];
    const set = await Promise.all(ids.map((id, i) => setIn(id, 300 + 200 * i)));
    expect(set.map((r) => r.timer?.state)).to.deep.equal(ids.map(() => TimerState.SCHEDULED));
    for (const [i, id] of ids.entries()) {
      const timer = await reaches(id, TimerState.FIRED);
      expect(timer).to.include({ attempts: 1, lastError: "" });
      expect(timer?.nextAttemptTime).to.equal(undefined);
      const calls = callsWith(id);
      expect(calls).to.have.length(1);
      const fireTime = set[i]?.timer?.fireTime;
      const fireMs = fireTime === undefined ? 0 : timestampMs(fireTime);
      const lateness = (calls[0]?.atMs ?? 0) - fireMs;
      expect(lateness, `timer ${i} lateness`).to.be.within(-5, 1000);
    }
  });

  it("SetTimer is idempotent by id: same content is a no-op, other content ALREADY_EXISTS", async () => {
    const id = uniqueName("t");
    const request = {
      timerId: id,
      schedule: { case: "delay" as const, value: seconds(60) },
      callback: { endpoint: callee.endpoint, method: CALLEE, request: body(id) },
    };
    const first = await h.client.call(method.setTimer, request);
    await delay(20);
    const again = await h.client.call(method.setTimer, request);
    expect(again.timer?.fireTime).to.deep.equal(first.timer?.fireTime);
    expect(again.timer?.createTime).to.deep.equal(first.timer?.createTime);
    const other = await h.client.fail(method.setTimer, {
      ...request,
      schedule: { case: "delay", value: seconds(61) },
    });
    expect(other.code).to.equal(grpc.status.ALREADY_EXISTS);
    expect(other.details).to.match(/^timer_id: /);
    const otherBody = await h.client.fail(method.setTimer, {
      ...request,
      callback: { ...request.callback, request: body("something else") },
    });
    expect(otherBody.code).to.equal(grpc.status.ALREADY_EXISTS);
    const { rows } = await db.query(
      "SELECT count(*)::int AS n FROM timer.timers WHERE timer_id = $1",
      [id],
    );
    expect(rows[0].n).to.equal(1);
  });

  it("refuses an endpoint off the allow-list (PERMISSION_DENIED) and malformed fields (INVALID_ARGUMENT)", async () => {
    const good = {
      timerId: uniqueName("t"),
      schedule: { case: "delay" as const, value: seconds(1) },
      callback: { endpoint: callee.endpoint, method: CALLEE, request: body("x") },
    };
    const denied = await h.client.fail(method.setTimer, {
      ...good,
      callback: { ...good.callback, endpoint: "169.254.169.254:80" },
    });
    expect(denied.code).to.equal(grpc.status.PERMISSION_DENIED);
    expect(denied.details).to.include("callback.endpoint").and.include("allow-list");
    const cases: [object, string][] = [
      [{ timerId: "" }, "timer_id"],
      [{ timerId: "has space" }, "timer_id"],
      [{ schedule: { case: undefined } }, "fire_time"],
      [{ callback: undefined }, "callback"],
      [{ callback: { ...good.callback, endpoint: "http://127.0.0.1:1" } }, "callback.endpoint"],
      [{ callback: { ...good.callback, method: "Fire" } }, "callback.method"],
      [{ schedule: { case: "delay", value: seconds(400 * 86_400) } }, "delay"],
    ];
    for (const [change, field] of cases) {
      const failure = await h.client.fail(method.setTimer, { ...good, ...change });
      expect(failure.code, field).to.equal(grpc.status.INVALID_ARGUMENT);
      expect(failure.details).to.match(new RegExp(`^${field.replace(".", "\\.")}: `));
    }
  });

  it("retries UNAVAILABLE with backoff, then fires; a final error fails the timer", async () => {
    const flaky = uniqueName("t");
    let failures = 2;
    answer = () => {
      if (failures-- > 0) throw { code: grpc.status.UNAVAILABLE, details: "restarting" };
      return Buffer.alloc(0);
    };
    await setIn(flaky, 0);
    const fired = await reaches(flaky, TimerState.FIRED);
    expect(fired?.attempts).to.equal(3);
    expect(callsWith(flaky)).to.have.length(3);

    const refused = uniqueName("t");
    answer = () => {
      throw { code: grpc.status.INVALID_ARGUMENT, details: "no such alert" };
    };
    await setIn(refused, 0);
    const failed = await reaches(refused, TimerState.FAILED);
    expect(failed?.attempts).to.equal(1);
    expect(failed?.lastError).to.equal("INVALID_ARGUMENT: no such alert");
  });

  it("gives up after TIMER_MAX_ATTEMPTS when the callee stays unreachable", async () => {
    const id = uniqueName("t");
    answer = () => {
      throw { code: grpc.status.DEADLINE_EXCEEDED, details: "slow" };
    };
    await setIn(id, 0);
    const failed = await reaches(id, TimerState.FAILED);
    expect(failed).to.include({ attempts: 4, lastError: "DEADLINE_EXCEEDED: slow" });
  });

  it("CancelTimer stops a scheduled timer; cancelling a fired or unknown one is harmless", async () => {
    const id = uniqueName("t");
    await setIn(id, 400);
    const { timer } = await h.client.call(method.cancelTimer, { timerId: id });
    expect(timer?.state).to.equal(TimerState.CANCELLED);
    const unknown = await h.client.call(method.cancelTimer, { timerId: uniqueName("never-set") });
    expect(unknown.timer).to.equal(undefined);
    const fired = uniqueName("t");
    await setIn(fired, 0);
    await reaches(fired, TimerState.FIRED);
    const late = await h.client.call(method.cancelTimer, { timerId: fired });
    expect(late.timer?.state).to.equal(TimerState.FIRED);
    await delay(600);
    expect(callsWith(id)).to.have.length(0);
    expect(
      (await h.client.fail(method.getTimer, { timerId: uniqueName("never-set") })).code,
    ).to.equal(grpc.status.NOT_FOUND);
  });

  it("a claim left by a dead replica expires after the lease and the timer fires", async () => {
    const id = uniqueName("t");
    await setIn(id, 60_000);
    // What a replica that claimed the timer and was SIGKILLed leaves behind.
    await db.query(
      `UPDATE timer.timers SET state = 'firing', next_attempt_time = now(),
              claimed_until = now() + interval '1 second' WHERE timer_id = $1`,
      [id],
    );
    await delay(500);
    expect(callsWith(id)).to.have.length(0);
    await reaches(id, TimerState.FIRED, 4000);
    expect(callsWith(id)).to.have.length(1);
  });

  it("ListTimers pages in id order and filters by state", async () => {
    const prefix = uniqueName("list");
    const ids = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    for (const id of ids) await setIn(id, 60_000);
    await h.client.call(method.cancelTimer, { timerId: ids[1] ?? "" });
    const seen: string[] = [];
    let pageToken = "";
    do {
      const page = await h.client.call(method.listTimers, { pageSize: 2, pageToken });
      seen.push(...page.timers.map((t) => t.timerId));
      pageToken = page.nextPageToken;
    } while (pageToken !== "");
    expect(seen.filter((id) => id.startsWith(prefix))).to.deep.equal(ids);
    expect(seen).to.deep.equal([...seen].sort());
    const cancelled = await h.client.call(method.listTimers, {
      state: TimerState.CANCELLED,
      pageSize: 1000,
    });
    expect(cancelled.timers.map((t) => t.timerId))
      .to.include(ids[1])
      .and.not.include(ids[0]);
    const bad = await h.client.fail(method.listTimers, { pageToken: "bm90IGFuIGlk!" });
    expect(bad.code).to.equal(grpc.status.INVALID_ARGUMENT);
  });

  it("serves health and reflection like the pager", async () => {
    const { status } = await h.client.call(Health.method.check, { service: TimerService.typeName });
    expect(status).to.equal(HealthCheckResponse_ServingStatus.SERVING);
    const { stdout } = await promisify(execFile)("npx", [
      "buf",
      "curl",
      "--protocol",
      "grpc",
      "--http2-prior-knowledge",
      "--list-services",
      `http://${h.address}`,
    ]);
    expect(stdout.trim().split("\n")).to.include.members([
      "timer.v1.TimerService",
      "grpc.health.v1.Health",
      "grpc.reflection.v1.ServerReflection",
    ]);
  });
});
