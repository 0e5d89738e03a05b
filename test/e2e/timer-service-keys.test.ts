import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Code, createClient } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { Health } from "../../gen/grpc/health/v1/health_pb.js";
import { TimerService } from "../../gen/timer/v1/timer_service_pb.js";
import { SECRET_PATTERN } from "../../src/platform/secrets/random-secret.js";
import { connectOutcome, connectTransport } from "../support/api-keys.js";
import { type CallbackServer, startCallbackServer } from "../support/callback-server.js";
import { testDatabaseUrl } from "../support/global-database.js";
import { GrpcTestClient } from "../support/grpc-client.js";
import { seconds, uniqueName } from "../support/pager-fixtures.js";
import { eventually } from "../support/pager-harness.js";
import { TEST_KEYS } from "../support/test-keys.js";
import { startTimerHarness, type TimerHarness } from "../support/timer-harness.js";

const { method } = TimerService;
const CALLEE = "test.v1.Callee/Fire";
const NEXT_KEY = "next0123456789abcdefghijklmnopqr";
const CREDENTIAL = { authorization: "Bearer callee-credential-0123456789" };

/**
 * The timer service's own keys, and the credential a timer carries to its
 * callee: sent with the call, compared for idempotency, never shown back.
 */
describe("timer service keys and callback metadata (real server, grpc-js and Connect)", () => {
  let h: TimerHarness;
  let callee: CallbackServer;

  before(async () => {
    callee = await startCallbackServer([CALLEE]);
    h = await startTimerHarness(await testDatabaseUrl(), {
      TIMER_API_KEYS: `${TEST_KEYS.timerService},${NEXT_KEY}`,
      TIMER_CALLBACK_ALLOWLIST: `${callee.endpoint}/${CALLEE}`,
    });
  });
  after(async () => {
    await h?.stop();
    await callee?.close();
  });

  function setTimer(client: GrpcTestClient, timerId: string, metadata = CREDENTIAL, call = CALLEE) {
    return client.call(method.setTimer, {
      timerId,
      schedule: { case: "delay", value: seconds(0) },
      callback: { endpoint: callee.endpoint, method: call, request: new Uint8Array([1]), metadata },
    });
  }

  it("every timer.v1 call needs one of its keys; health does not", async () => {
    const messages = new Set<string>();
    for (const secret of [null, "0123456789abcdefghijklmnopqrstuv", "not a key"]) {
      const client = new GrpcTestClient(h.address, secret);
      try {
        for (const call of [
          () => client.fail(method.listTimers, {}),
          () => client.fail(method.setTimer, { timerId: uniqueName("t") }),
          () => client.fail(method.cancelTimer, { timerId: "x" }),
        ]) {
          const { code, details } = await call();
          expect(code).to.equal(grpc.status.UNAUTHENTICATED);
          messages.add(details);
        }
        expect((await client.call(Health.method.check, { service: "" })).status).to.equal(1);
      } finally {
        client.close();
      }
    }
    expect(messages.size, [...messages].join(" | ")).to.equal(1);
    const connect = createClient(TimerService, connectTransport(`http://${h.address}`, null));
    expect((await connectOutcome(() => connect.listTimers({}))).code).to.equal(
      Code.Unauthenticated,
    );
    const rotated = new GrpcTestClient(h.address, NEXT_KEY);
    try {
      await rotated.call(method.listTimers, {});
    } finally {
      rotated.close();
    }
  });

  it("the callee gets the timer's metadata; GetTimer and ListTimers never show it", async () => {
    const timerId = uniqueName("meta");
    const { timer: set } = await setTimer(h.client, timerId);
    const call = await eventually(async () => {
      const found = callee.received.find((c) => c.request.equals(Buffer.from([1])) && c.atMs > 0);
      expect(found).to.not.equal(undefined);
      return found;
    });
    expect(call?.metadata).to.include(CREDENTIAL);
    const { timer } = await h.client.call(method.getTimer, { timerId });
    const { timers } = await h.client.call(method.listTimers, { pageSize: 1000 });
    for (const shown of [set, timer, timers.find((t) => t.timerId === timerId)]) {
      expect(shown?.callback?.metadata).to.deep.equal({});
      expect(shown?.callback?.endpoint).to.equal(callee.endpoint);
    }
  });

  it("SetTimer's idempotency compares metadata; the allow-list names the method", async () => {
    const timerId = uniqueName("idem");
    const later = (metadata: Record<string, string>) => ({
      timerId,
      schedule: { case: "delay" as const, value: seconds(3600) },
      callback: {
        endpoint: callee.endpoint,
        method: CALLEE,
        request: new Uint8Array([2]),
        metadata,
      },
    });
    await h.client.call(method.setTimer, later(CREDENTIAL));
    await h.client.call(method.setTimer, later(CREDENTIAL));
    const other = await h.client.fail(method.setTimer, later({ authorization: "Bearer rotated" }));
    expect(other.code).to.equal(grpc.status.ALREADY_EXISTS);
    const offList = await h.client.fail(method.setTimer, {
      timerId: uniqueName("off"),
      schedule: { case: "delay", value: seconds(1) },
      callback: {
        endpoint: callee.endpoint,
        method: "test.v1.Callee/Other",
        request: new Uint8Array(),
      },
    });
    expect(offList.code).to.equal(grpc.status.PERMISSION_DENIED);
    expect(offList.details).to.include(`${callee.endpoint}/test.v1.Callee/Other`);
  });

  describe("without TIMER_API_KEYS", () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), "timer-keys-"));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("a first start writes one fresh key to a 0600 file, and later starts accept what it lists", async () => {
      const file = path.join(dir, "state", "timer-api-keys");
      const env = { TIMER_API_KEYS: "", TIMER_API_KEYS_FILE: file };
      const first = await startTimerHarness(await testDatabaseUrl(), env);
      let secret = "";
      try {
        expect(((await stat(file)).mode & 0o777).toString(8)).to.equal("600");
        secret = (await readFile(file, "utf8")).trim();
        expect(secret).to.match(SECRET_PATTERN);
        const client = new GrpcTestClient(first.address, secret);
        await client.call(method.listTimers, {});
        client.close();
      } finally {
        await first.stop();
      }
      await writeFile(file, `# rotated\n${NEXT_KEY}\n${secret}\n`, { mode: 0o600 });
      const second = await startTimerHarness(await testDatabaseUrl(), env);
      try {
        for (const key of [NEXT_KEY, secret]) {
          const client = new GrpcTestClient(second.address, key);
          await client.call(method.listTimers, {});
          client.close();
        }
      } finally {
        await second.stop();
      }
      await writeFile(file, "hunter2\n");
      const refused = await startTimerHarness(await testDatabaseUrl(), env).catch((e) => e);
      expect(String(refused)).to.include(
        `TIMER_API_KEYS_FILE (${file}) must hold one key per line`,
      );
      expect(String(refused)).to.not.include("hunter2");
    });
  });
});
