import { execFile } from "node:child_process";
import { once } from "node:events";
import * as net from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { promisify } from "node:util";
import {
  create,
  createFileRegistry,
  type DescFile,
  fromBinary,
  type MessageInitShape,
  toBinary,
} from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { type ConnectRouter, createClient } from "@connectrpc/connect";
import {
  connectNodeAdapter,
  createGrpcTransport,
  createGrpcWebTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import pino from "pino";
import {
  file_grpc_health_v1_health,
  Health,
  type HealthCheckRequest,
  HealthCheckRequestSchema,
  type HealthCheckResponse,
  HealthCheckResponseSchema,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../../gen/grpc/health/v1/health_pb.js";
import * as reflectionV1 from "../../gen/grpc/reflection/v1/reflection_pb.js";
import * as reflectionV1alpha from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { file_pager_v1_escalation_policy } from "../../gen/pager/v1/escalation_policy_pb.js";
import { file_pager_v1_notification } from "../../gen/pager/v1/notification_pb.js";
import { file_pager_v1_pager_service, PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { HealthMonitor } from "../../src/transport/health-monitor.js";
import { registerHealth } from "../../src/transport/health-service.js";
import { type ListeningServer, listen } from "../../src/transport/listen.js";
import { loggingInterceptor } from "../../src/transport/logging-interceptor.js";
import { registerReflection } from "../../src/transport/reflection-service.js";

const PAGER_SERVICES = [
  "pager.v1.PagerService",
  "pager.v1.EscalationPolicyService",
  "pager.v1.NotificationService",
];

const FILES: DescFile[] = [
  file_pager_v1_pager_service,
  file_pager_v1_escalation_policy,
  file_pager_v1_notification,
  file_grpc_health_v1_health,
  reflectionV1.file_grpc_reflection_v1_reflection,
  reflectionV1alpha.file_grpc_reflection_v1alpha_reflection,
];

type LogLine = Record<string, unknown>;

describe("transport: one port, real clients", () => {
  let databaseUp = true;
  let monitor: HealthMonitor;
  let server: ListeningServer;
  let logs: LogLine[];
  let address: string;
  let baseUrl: string;

  before(async () => {
    logs = [];
    const logger = pino(
      { level: "info" },
      { write: (line: string) => logs.push(JSON.parse(line)) },
    );
    monitor = new HealthMonitor({
      probe: async () => {
        if (!databaseUp) throw new Error("database down");
      },
      services: PAGER_SERVICES,
      intervalMs: 60_000, // only checkNow() moves it: no test waits on a timer
    });
    monitor.start();
    await monitor.checkNow();
    const handler = connectNodeAdapter({
      routes: (router: ConnectRouter) => {
        registerHealth(router, monitor);
        registerReflection(router, FILES);
      },
      interceptors: [loggingInterceptor(logger)],
    });
    server = await listen(handler, { host: "127.0.0.1", port: 0 });
    address = `127.0.0.1:${server.port}`;
    baseUrl = `http://${address}`;
  });

  after(async () => {
    monitor.stop();
    await server.close(1000);
  });

  beforeEach(async () => {
    databaseUp = true;
    await monitor.checkNow();
  });

  it("reports the real port when asked for port 0", () => {
    expect(server.port).to.be.a("number").greaterThan(0);
    expect(server.host).to.equal("127.0.0.1");
  });

  describe("health over HTTP/2 with a @grpc/grpc-js client", () => {
    let client: grpc.Client;
    before(() => {
      client = new grpc.Client(address, grpc.credentials.createInsecure());
    });
    after(() => client.close());

    it("answers SERVING, then NOT_SERVING once the probe fails", async () => {
      expect((await grpcCheck(client, "")).status).to.equal(ServingStatus.SERVING);
      expect((await grpcCheck(client, "pager.v1.PagerService")).status).to.equal(
        ServingStatus.SERVING,
      );

      databaseUp = false;
      await monitor.checkNow();

      expect((await grpcCheck(client, "")).status).to.equal(ServingStatus.NOT_SERVING);
      expect((await grpcCheck(client, "pager.v1.NotificationService")).status).to.equal(
        ServingStatus.NOT_SERVING,
      );
    });

    it("answers NOT_FOUND for a service it does not serve", async () => {
      const error = await grpcCheck(client, "pager.v1.Nope").then(
        () => expect.fail("Check of an unknown service succeeded"),
        (e: grpc.ServiceError) => e,
      );
      expect(error.code).to.equal(grpc.status.NOT_FOUND);
      expect(error.details).to.contain("pager.v1.Nope");
    });

    it("streams the status on Watch, then each change", async () => {
      const call = client.makeServerStreamRequest(
        "/grpc.health.v1.Health/Watch",
        serializeCheckRequest,
        deserializeCheckResponse,
        create(HealthCheckRequestSchema, { service: "" }),
      );
      call.on("error", () => {}); // cancelled below, on purpose
      const statuses = messages<HealthCheckResponse>(call);

      expect((await statuses.next()).value?.status).to.equal(ServingStatus.SERVING);
      databaseUp = false;
      await monitor.checkNow();
      expect((await statuses.next()).value?.status).to.equal(ServingStatus.NOT_SERVING);
      databaseUp = true;
      await monitor.checkNow();
      expect((await statuses.next()).value?.status).to.equal(ServingStatus.SERVING);
      call.cancel();
    });

    it("logs one line per call, without the request", async () => {
      await grpcCheck(client, "pager.v1.PagerService");
      const line = logs.findLast((l) => l.rpc === "grpc.health.v1.Health/Check");
      expect(line).to.include({ code: "ok", protocol: "grpc", level: 30, msg: "rpc" });
      expect(line?.duration_ms).to.be.a("number");

      await grpcCheck(client, "pager.v1.Secret").catch(() => undefined);
      expect(logs.at(-1)).to.include({ code: "not_found", level: 30 });
      expect(JSON.stringify(logs), "a request body was logged").not.to.contain("pager.v1.Secret");
    });
  });

  describe("reflection over HTTP/2 with a Connect gRPC client", () => {
    let sessions: Http2SessionManager;
    let transport: ReturnType<typeof createGrpcTransport>;
    before(() => {
      sessions = new Http2SessionManager(baseUrl);
      transport = createGrpcTransport({ baseUrl, sessionManager: sessions });
    });
    after(() => sessions.abort());

    // v1alpha messages are wire-identical to v1: one typed client drives either descriptor.
    const versions = {
      v1: reflectionV1.ServerReflection,
      v1alpha:
        reflectionV1alpha.ServerReflection as unknown as typeof reflectionV1.ServerReflection,
    };

    for (const [version, service] of Object.entries(versions)) {
      describe(version, () => {
        const reflect = async (
          ...requests: MessageInitShape<typeof reflectionV1.ServerReflectionRequestSchema>[]
        ) => {
          const client = createClient(service, transport);
          const answers: reflectionV1.ServerReflectionResponse[] = [];
          for await (const answer of client.serverReflectionInfo(toAsync(requests))) {
            answers.push(answer);
          }
          return answers;
        };

        it("lists the pager, health and reflection services", async () => {
          const [answer] = await reflect({
            host: "",
            messageRequest: { case: "listServices", value: "" },
          });
          expect(answer?.messageResponse.case).to.equal("listServicesResponse");
          const names =
            answer?.messageResponse.case === "listServicesResponse"
              ? answer.messageResponse.value.service.map((s) => s.name)
              : [];
          expect(names).to.include.members([
            ...PAGER_SERVICES,
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection",
          ]);
          expect(logs.at(-1)).to.include({
            rpc: `grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`,
            code: "ok",
          });
        });

        it("returns a symbol's file with every import, well-known types included", async () => {
          const [answer] = await reflect({
            host: "pager.example",
            messageRequest: { case: "fileContainingSymbol", value: "pager.v1.PagerService" },
          });
          expect(answer?.validHost).to.equal("pager.example");
          expect(answer?.originalRequest?.messageRequest).to.deep.include({
            case: "fileContainingSymbol",
            value: "pager.v1.PagerService",
          });
          const protos = fileDescriptors(answer);
          expect(protos[0]?.name).to.equal("pager/v1/pager_service.proto");
          expect(protos.map((p) => p.name)).to.include.members([
            "pager/v1/alert.proto",
            "pager/v1/monitored_service.proto",
            "google/protobuf/timestamp.proto",
            "google/protobuf/field_mask.proto",
          ]);
          // The answer alone is enough for a client to build the whole service.
          const [root] = protos;
          if (root === undefined) return;
          const registry = createFileRegistry(root, (name) => protos.find((p) => p.name === name));
          expect(registry.getService("pager.v1.PagerService")?.methods.length).to.be.greaterThan(0);
        });

        it("finds methods, nested types and files by name, several on one stream", async () => {
          const answers = await reflect(
            {
              host: "",
              messageRequest: {
                case: "fileContainingSymbol",
                value: "pager.v1.PagerService.SendAlert",
              },
            },
            {
              host: "",
              messageRequest: {
                case: "fileContainingSymbol",
                value: "grpc.health.v1.HealthCheckResponse.ServingStatus",
              },
            },
            {
              host: "",
              messageRequest: { case: "fileByFilename", value: "google/protobuf/timestamp.proto" },
            },
          );
          expect(answers.map((a) => fileDescriptors(a)[0]?.name)).to.deep.equal([
            "pager/v1/pager_service.proto",
            "grpc/health/v1/health.proto",
            "google/protobuf/timestamp.proto",
          ]);
        });

        it("answers NOT_FOUND naming an unknown symbol, and keeps the stream open", async () => {
          const answers = await reflect(
            { host: "", messageRequest: { case: "fileContainingSymbol", value: "pager.v1.Nope" } },
            {
              host: "",
              messageRequest: {
                case: "fileContainingExtension",
                value: { containingType: "pager.v1.Alert", extensionNumber: 1000 },
              },
            },
            { host: "", messageRequest: { case: "listServices", value: "" } },
          );
          const [symbol, extension, list] = answers.map((a) => a.messageResponse);
          expect(symbol?.case).to.equal("errorResponse");
          expect(symbol?.value).to.include({ errorCode: 5 });
          expect(symbol?.case === "errorResponse" && symbol.value.errorMessage).to.contain(
            "pager.v1.Nope",
          );
          expect(extension?.case === "errorResponse" && extension.value.errorCode).to.equal(5);
          expect(list?.case).to.equal("listServicesResponse");
        });
      });
    }
  });

  describe("buf curl, a real reflection client", () => {
    for (const protocol of ["grpc-v1", "grpc-v1alpha"]) {
      it(`lists the pager services (${protocol})`, async () => {
        const { stdout } = await bufCurl(
          "--reflect-protocol",
          protocol,
          "--list-services",
          baseUrl,
        );
        expect(stdout.trim().split("\n")).to.include.members(PAGER_SERVICES);
      });
    }

    it("calls Health/Check through reflection", async () => {
      const { stdout } = await bufCurl("-d", "{}", `${baseUrl}/grpc.health.v1.Health/Check`);
      expect(JSON.parse(stdout)).to.deep.equal({ status: "SERVING" });
    });
  });

  describe("HTTP/1.1 on the same port", () => {
    it("serves Connect JSON to a plain fetch", async () => {
      const response = await fetch(`${baseUrl}/grpc.health.v1.Health/Check`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(response.status).to.equal(200);
      expect(await response.json()).to.deep.equal({ status: "SERVING" });
    });

    it("serves Connect errors as JSON", async () => {
      const response = await fetch(`${baseUrl}/grpc.health.v1.Health/Check`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ service: "pager.v1.Nope" }),
      });
      expect(response.status).to.equal(404);
      expect(await response.json()).to.include({ code: "not_found" });
      expect(logs.at(-1)).to.include({ code: "not_found", protocol: "connect" });
    });

    it("serves gRPC-Web", async () => {
      const client = createClient(Health, createGrpcWebTransport({ baseUrl, httpVersion: "1.1" }));
      expect((await client.check({ service: "" })).status).to.equal(ServingStatus.SERVING);
      expect(logs.at(-1)).to.include({ code: "ok", protocol: "grpc-web" });
    });
  });

  describe("first bytes split across packets", () => {
    let proxy: SplittingProxy;
    before(async () => {
      proxy = await splittingProxy(server.port);
    });
    after(() => proxy.close());

    it("still recognises the HTTP/2 preface", async () => {
      const client = new grpc.Client(`127.0.0.1:${proxy.port}`, grpc.credentials.createInsecure());
      try {
        expect((await grpcCheck(client, "")).status).to.equal(ServingStatus.SERVING);
      } finally {
        client.close();
      }
      expect(proxy.firstChunks.at(-1)?.length).to.be.greaterThan(1);
    });

    it("still recognises HTTP/1.1 that starts like the preface", async () => {
      const response = await fetch(`http://127.0.0.1:${proxy.port}/grpc.health.v1.Health/Check`, {
        method: "POST",
        headers: { "content-type": "application/json", connection: "close" },
        body: "{}",
      });
      expect(await response.json()).to.deep.equal({ status: "SERVING" });
    });
  });
});

describe("transport: health monitor", () => {
  it("counts a probe slower than its timeout as a failure", async () => {
    const failures: unknown[] = [];
    const monitor = new HealthMonitor({
      probe: () => new Promise<void>(() => {}),
      services: ["pager.v1.PagerService"],
      timeoutMs: 20,
      onProbeFailure: (error) => failures.push(error),
    });
    await monitor.checkNow();
    expect(monitor.current("pager.v1.PagerService")).to.equal("NOT_SERVING");
    expect(monitor.current("pager.v1.Nope")).to.equal("UNKNOWN_SERVICE");
    expect(String(failures[0])).to.contain("20 ms");
  });

  it("turns NOT_SERVING when stopped, and tells its listeners", async () => {
    const monitor = new HealthMonitor({ probe: async () => {}, services: [] });
    monitor.start();
    await monitor.checkNow();
    expect(monitor.current("")).to.equal("SERVING");
    let changes = 0;
    monitor.onChange(() => changes++);
    monitor.stop();
    expect(monitor.current("")).to.equal("NOT_SERVING");
    expect(changes).to.equal(1);
  });
});

describe("transport: graceful close", () => {
  let server: ListeningServer;
  let entered: Deferred;
  let release: Deferred;

  beforeEach(async () => {
    entered = deferred();
    release = deferred();
    const monitor = new HealthMonitor({ probe: async () => {}, services: [] });
    await monitor.checkNow();
    const handler = connectNodeAdapter({
      routes: (router: ConnectRouter) => {
        registerHealth(router, monitor);
        // A slow call: it is in flight until the test releases it.
        router.service(PagerService, {
          async sendAlert() {
            entered.resolve();
            await release.promise;
            return {};
          },
        });
      },
    });
    server = await listen(handler, { host: "127.0.0.1", port: 0 });
  });

  afterEach(async () => {
    release.resolve();
    await server.close(0);
  });

  it("lets an HTTP/2 call in flight finish, then resolves and refuses new connections", async () => {
    const sessions = new Http2SessionManager(`http://127.0.0.1:${server.port}`);
    const client = createClient(
      PagerService,
      createGrpcTransport({
        baseUrl: `http://127.0.0.1:${server.port}`,
        sessionManager: sessions,
      }),
    );
    try {
      const call = client.sendAlert({});
      await entered.promise;

      let closed = false;
      const closing = server.close(10_000).then(() => {
        closed = true;
      });
      await expectRefused(server.port);
      await delay(20);
      expect(closed, "close() resolved while a call was in flight").to.equal(false);

      release.resolve();
      const response = await call;
      expect(response.$typeName).to.equal("pager.v1.SendAlertResponse");
      const started = Date.now();
      await closing;
      expect(Date.now() - started, "close() waited for the grace period").to.be.lessThan(1000);
    } finally {
      sessions.abort();
    }
  });

  it("lets an HTTP/1.1 call in flight finish, then resolves", async () => {
    const call = fetch(`http://127.0.0.1:${server.port}/pager.v1.PagerService/SendAlert`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    await entered.promise;
    const closing = server.close(10_000);
    await expectRefused(server.port);

    release.resolve();
    const response = await call;
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({});
    const started = Date.now();
    await closing;
    expect(Date.now() - started).to.be.lessThan(1000);
  });

  it("cuts a Watch stream that outlives the grace period", async () => {
    const client = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    try {
      const call = client.makeServerStreamRequest(
        "/grpc.health.v1.Health/Watch",
        serializeCheckRequest,
        deserializeCheckResponse,
        create(HealthCheckRequestSchema, { service: "" }),
      );
      const ended = new Promise<grpc.ServiceError | undefined>((resolve) => {
        call.on("error", resolve);
        call.on("end", () => resolve(undefined));
      });
      const [first] = (await once(call, "data")) as [HealthCheckResponse];
      expect(first.status).to.equal(ServingStatus.SERVING);

      const started = Date.now();
      await server.close(150);
      const elapsed = Date.now() - started;
      expect(elapsed).to.be.within(140, 1000);
      const error = await ended;
      expect(error?.code, "the stream ended with an error").to.be.a("number");
      expect(error?.code).not.to.equal(grpc.status.OK);
    } finally {
      client.close();
    }
  });
});

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve = (): void => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function serializeCheckRequest(request: HealthCheckRequest): Buffer {
  return Buffer.from(toBinary(HealthCheckRequestSchema, request));
}

function deserializeCheckResponse(bytes: Buffer): HealthCheckResponse {
  return fromBinary(HealthCheckResponseSchema, bytes);
}

function grpcCheck(client: grpc.Client, service: string): Promise<HealthCheckResponse> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      "/grpc.health.v1.Health/Check",
      serializeCheckRequest,
      deserializeCheckResponse,
      create(HealthCheckRequestSchema, { service }),
      (error, response) => (error || !response ? reject(error) : resolve(response)),
    );
  });
}

function messages<T>(stream: AsyncIterable<unknown>): AsyncIterator<T> {
  return (stream as AsyncIterable<T>)[Symbol.asyncIterator]();
}

async function* toAsync<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

function fileDescriptors(answer: reflectionV1.ServerReflectionResponse | undefined) {
  expect(answer?.messageResponse.case).to.equal("fileDescriptorResponse");
  if (answer?.messageResponse.case !== "fileDescriptorResponse") return [];
  return answer.messageResponse.value.fileDescriptorProto.map((bytes) =>
    fromBinary(FileDescriptorProtoSchema, bytes),
  );
}

const execFileAsync = promisify(execFile);

/** Runs buf from node_modules; async, because the server lives in this process. */
function bufCurl(...args: string[]) {
  return execFileAsync(
    "node_modules/.bin/buf",
    ["curl", "--protocol", "grpc", "--http2-prior-knowledge", ...args],
    { timeout: 20_000 },
  );
}

async function expectRefused(port: number): Promise<void> {
  const socket = net.connect({ host: "127.0.0.1", port });
  const [error] = (await once(socket, "error").catch((e: unknown) => [e])) as [
    NodeJS.ErrnoException,
  ];
  socket.destroy();
  expect(error.code).to.equal("ECONNREFUSED");
}

interface SplittingProxy {
  port: number;
  /** The pieces the first chunk of the latest connection was sent in. */
  firstChunks: Buffer[][];
  close(): void;
}

/**
 * Forwards to the server but sends each connection's first bytes in pieces,
 * with a pause between them, so the server sees a partial preface first.
 */
async function splittingProxy(targetPort: number): Promise<SplittingProxy> {
  const firstChunks: Buffer[][] = [];
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((downstream) => {
    const upstream = net.connect({ host: "127.0.0.1", port: targetPort, noDelay: true });
    sockets.add(downstream).add(upstream);
    downstream.on("error", () => upstream.destroy());
    upstream.on("error", () => downstream.destroy());
    upstream.pipe(downstream);
    let chain = Promise.resolve();
    let first = true;
    downstream.on("data", (chunk: Buffer) => {
      const pieces = first
        ? [chunk.subarray(0, 1), chunk.subarray(1, 3), chunk.subarray(3)]
        : [chunk];
      if (first) firstChunks.push(pieces);
      first = false;
      chain = chain.then(async () => {
        for (const [i, piece] of pieces.entries()) {
          if (i > 0) await delay(15);
          upstream.write(piece);
        }
      });
    });
    downstream.on("end", () => {
      chain = chain.then(() => {
        upstream.end();
      });
    });
  });
  proxy.listen(0, "127.0.0.1");
  await once(proxy, "listening");
  return {
    port: (proxy.address() as net.AddressInfo).port,
    firstChunks,
    close() {
      for (const socket of sockets) socket.destroy();
      proxy.close();
    },
  };
}
