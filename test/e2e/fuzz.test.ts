import type { DescMethod, DescService, Message } from "@bufbuild/protobuf";
import { toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { AcknowledgementLinkService } from "../../gen/pager/v1/acknowledgement_link_service_pb.js";
import { ApiKeyService } from "../../gen/pager/v1/api_key_service_pb.js";
import { EscalationPolicyService } from "../../gen/pager/v1/escalation_policy_pb.js";
import { NotificationService } from "../../gen/pager/v1/notification_pb.js";
import { PagerService, SendAlertOutcome } from "../../gen/pager/v1/pager_service_pb.js";
import { TimerService } from "../../gen/timer/v1/timer_service_pb.js";
import { SERVED_SERVICES } from "../../src/pager/transport/router.js";
import { MessageFuzzer, SeededRandom } from "../support/fuzz-messages.js";
import { testDatabaseUrl } from "../support/global-database.js";
import { grpcCheck } from "../support/grpc-health-client.js";
import { mapConcurrently } from "../support/map-concurrently.js";
import { createServiceWithPolicy, notificationsOf } from "../support/pager-fixtures.js";
import { type PagerHarness, startPagerHarness } from "../support/pager-harness.js";
import { TEST_KEYS } from "../support/test-keys.js";
import { startTimerHarness, type TimerHarness } from "../support/timer-harness.js";

const REQUESTS = 10_000;
const TIMER_REQUESTS = 3000;
const CONCURRENCY = 24;
const SERVICES: DescService[] = [
  PagerService,
  EscalationPolicyService,
  NotificationService,
  ApiKeyService,
  AcknowledgementLinkService,
];

/** How a call ended: a gRPC status code (0 for OK). */
interface Outcome {
  readonly method: string;
  readonly code: grpc.status;
  readonly details: string;
  readonly request: Message;
}

/**
 * Requests generated from the published descriptors, every RPC the pager
 * serves, with an admin key (and every RPC of the timer service with one of
 * its keys): whatever the content, the answer is a precise status, never
 * INTERNAL or UNKNOWN, and the server serves on. The seed is printed on
 * failure; FUZZ_SEED replays a run.
 */
describe("fuzzing every RPC from its descriptors (real server, grpc-js)", () => {
  let h: PagerHarness;
  let client: grpc.Client;
  const known: string[] = [];

  before(async () => {
    h = await startPagerHarness({
      PAGER_TIMER_WORKER: "off",
      PAGER_RATE_LIMIT_PER_SECOND: "1000000",
      PAGER_RATE_LIMIT_BURST: "1000000",
    });
    client = new grpc.Client(h.address, grpc.credentials.createInsecure());
    // Real things to point at, so some requests get past "not found".
    const { service, policy } = await createServiceWithPolicy(h.client);
    const { alert } = await h.client.call(PagerService.method.sendAlert, {
      monitoredServiceId: service.id,
      message: "fuzz",
    });
    const pages = await notificationsOf(h.client, alert?.id ?? "");
    known.push(service.id, policy.id, alert?.id ?? "", ...pages.map((page) => page.id));
  });
  after(async () => {
    client?.close();
    await h?.stop();
  });

  it(`${REQUESTS} generated requests: zero INTERNAL, zero UNKNOWN, the server still SERVING`, async function () {
    this.timeout(300_000);
    expect(SERVICES.map((s) => s.typeName).sort()).to.deep.equal([...SERVED_SERVICES].sort());
    const report = await fuzz(client, TEST_KEYS.admin, SERVICES, known, REQUESTS);
    // And still does its job (the requests may have deleted what was made before).
    const { service } = await createServiceWithPolicy(h.client);
    const sent = await h.client.call(PagerService.method.sendAlert, {
      monitoredServiceId: service.id,
      message: "after the storm",
    });
    expect(sent.outcome, report).to.equal(SendAlertOutcome.CREATED);
  });
});

describe("fuzzing the timer service from its descriptors (real server, grpc-js)", () => {
  let timer: TimerHarness;
  let client: grpc.Client;

  before(async () => {
    timer = await startTimerHarness(await testDatabaseUrl(), {
      // Fuzzed timers that fire call a port nobody listens on.
      TIMER_CALLBACK_ALLOWLIST: "127.0.0.1:9",
    });
    client = new grpc.Client(timer.address, grpc.credentials.createInsecure());
  });
  after(async () => {
    client?.close();
    await timer?.stop();
  });

  it(`${TIMER_REQUESTS} generated requests: zero INTERNAL, zero UNKNOWN, still SERVING`, async function () {
    this.timeout(120_000);
    await fuzz(client, TEST_KEYS.timerService, [TimerService], [], TIMER_REQUESTS);
  });
});

/**
 * Sends `count` requests generated for every method of `services`, in turn,
 * `CONCURRENCY` at a time, presenting `key`; fails with the seed, the codes
 * seen and the first offending requests on any INTERNAL or UNKNOWN, or when
 * health is not SERVING afterwards. Returns that report for later checks.
 */
async function fuzz(
  client: grpc.Client,
  key: string,
  services: readonly DescService[],
  known: readonly string[],
  count: number,
): Promise<string> {
  const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const fuzzer = new MessageFuzzer(new SeededRandom(seed), () => known);
  const methods = services.flatMap((service) => service.methods);
  // Built first, in order, so a seed always makes the same requests.
  const plan = Array.from({ length: count }, (_, i) => {
    const method = methods[i % methods.length] as DescMethod;
    return { method, request: fuzzer.message(method.input) };
  });
  const outcomes = await mapConcurrently(plan, CONCURRENCY, ({ method, request }) =>
    call(client, key, method, request),
  );
  const codes = new Map<string, number>();
  for (const { code } of outcomes) {
    const name = grpc.status[code] ?? String(code);
    codes.set(name, (codes.get(name) ?? 0) + 1);
  }
  const faults = outcomes.filter(
    (o) => o.code === grpc.status.INTERNAL || o.code === grpc.status.UNKNOWN,
  );
  const report = [
    `FUZZ_SEED=${seed}`,
    `codes: ${JSON.stringify(Object.fromEntries(codes))}`,
    ...faults
      .slice(0, 5)
      .map((f) => `${f.method}: ${grpc.status[f.code]} ${f.details}\n  ${summary(f.request)}`),
  ].join("\n");
  expect(faults, report).to.deep.equal([]);
  expect(outcomes.filter((o) => o.code === grpc.status.OK).length, report).to.be.greaterThan(0);
  const health = await grpcCheck(client, "");
  expect(health.status, report).to.equal(HealthCheckResponse_ServingStatus.SERVING);
  return report;
}

/** One call, unary or the first moments of a stream, as grpc-js sends it. */
function call(
  client: grpc.Client,
  key: string,
  method: DescMethod,
  request: Message,
): Promise<Outcome> {
  const path = `/${method.parent.typeName}/${method.name}`;
  const metadata = new grpc.Metadata();
  metadata.set("authorization", `Bearer ${key}`);
  const serialize = (message: Message) => Buffer.from(toBinary(method.input, message));
  const ignore = (bytes: Buffer) => bytes;
  const done = (code: grpc.status, details = "") => ({
    method: `${method.parent.name}/${method.name}`,
    code,
    details,
    request,
  });
  return new Promise((resolve) => {
    if (method.methodKind === "server_streaming") {
      const stream = client.makeServerStreamRequest(path, serialize, ignore, request, metadata, {
        deadline: Date.now() + 10_000,
      });
      const stop = setTimeout(() => stream.cancel(), 200);
      stream.on("data", () => {});
      stream.on("error", (error: grpc.ServiceError) => {
        clearTimeout(stop);
        resolve(
          done(error.code === grpc.status.CANCELLED ? grpc.status.OK : error.code, error.details),
        );
      });
      stream.on("end", () => {
        clearTimeout(stop);
        resolve(done(grpc.status.OK));
      });
      return;
    }
    client.makeUnaryRequest(
      path,
      serialize,
      ignore,
      request,
      metadata,
      { deadline: Date.now() + 10_000 },
      (error) => resolve(error ? done(error.code, error.details) : done(grpc.status.OK)),
    );
  });
}

/** A request as a failure report shows it: JSON-like, bigints as text, cut short. */
function summary(request: Message): string {
  const text = JSON.stringify(request, (_key, value) =>
    typeof value === "bigint"
      ? `${value}n`
      : value instanceof Uint8Array
        ? `<${value.length} bytes>`
        : value,
  );
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}
