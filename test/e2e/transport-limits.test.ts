import { randomBytes } from "node:crypto";
import * as http2 from "node:http2";
import * as net from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { readMemoryKb } from "../../bench/lib/proc-stats.js";
import { Health, HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { HTTP2_PREFACE, listen, type NodeHandler } from "../../src/platform/server/listen.js";
import { readServerLimits } from "../../src/platform/server/server-limits.js";
import { testDatabaseUrl } from "../support/global-database.js";
import { type PagerProcess, startPagerProcess } from "../support/pager-process.js";
import { gzipBomb, rawGrpcPost } from "../support/raw-grpc.js";
import { TEST_KEYS } from "../support/test-keys.js";

const MiB = 1024 * 1024;
const IDLE_TIMEOUT_MS = 1000;
const MAX_STREAMS = 7;
const MAX_DEADLINE_MS = 1500;

/**
 * The port's bounds, against the real program in a process of its own (so
 * its memory can be read from /proc): requests over the size limit are
 * RESOURCE_EXHAUSTED, a gzip bomb is refused before it inflates, connections
 * that do nothing are closed, garbage on the port harms nobody else, and
 * deadlines are capped. Health keeps answering throughout.
 */
describe("transport: request, connection and deadline limits", function () {
  this.timeout(120_000);
  let pager: PagerProcess;

  before(async () => {
    pager = await startPagerProcess({
      DATABASE_URL: await testDatabaseUrl(),
      PAGER_TIMER_WORKER: "off",
      PAGER_DISPATCHER: "off",
      PAGER_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
      PAGER_MAX_CONCURRENT_STREAMS: String(MAX_STREAMS),
      PAGER_MAX_DEADLINE_MS: String(MAX_DEADLINE_MS),
    });
  });
  after(async () => {
    await pager?.stop();
  });

  async function serving(): Promise<HealthCheckResponse_ServingStatus | undefined> {
    const { status } = await pager.client.call(Health.method.check, { service: "" });
    return status;
  }

  it("a 5 MiB message is RESOURCE_EXHAUSTED, over gRPC and over Connect JSON", async () => {
    const huge = "x".repeat(5 * MiB);
    const failure = await pager.client.fail(PagerService.method.sendAlert, {
      monitoredServiceId: "00000000-0000-7000-8000-000000000000",
      message: huge,
    });
    expect(grpc.status[failure.code]).to.equal("RESOURCE_EXHAUSTED");
    expect(failure.details).to.match(/1048576/);

    const connect = createClient(
      PagerService,
      createConnectTransport({ baseUrl: `http://${pager.address}`, httpVersion: "1.1" }),
    );
    const error = await connect
      .sendAlert(
        { monitoredServiceId: "00000000-0000-7000-8000-000000000000", message: huge },
        { headers: { authorization: `Bearer ${TEST_KEYS.admin}` } },
      )
      .then(
        () => null,
        (e: unknown) => ConnectError.from(e),
      );
    expect(error?.code).to.equal(Code.ResourceExhausted);
    expect(await serving()).to.equal(HealthCheckResponse_ServingStatus.SERVING);
  });

  it("a gzip frame inflating to 256 MiB is refused without the server's memory growing", async () => {
    const frame = gzipBomb(256 * MiB);
    expect(frame.length).to.be.lessThan(MiB); // what makes it a bomb: small on the wire
    const before = memory(pager.pid);
    for (let round = 0; round < 3; round++) {
      const { status, message } = await rawGrpcPost(
        pager.address,
        "/grpc.health.v1.Health/Check",
        frame,
        {
          "grpc-encoding": "gzip",
        },
      );
      expect(status).to.equal(String(grpc.status.RESOURCE_EXHAUSTED));
      expect(message).to.match(/readMaxBytes 1048576 after decompression/);
    }
    const after = memory(pager.pid);
    const grewMb = (after.rssKb - before.rssKb) / 1024;
    const peakMb = (after.peakKb - Math.max(before.peakKb, before.rssKb)) / 1024;
    expect(grewMb, `RSS ${before.rssKb} kB → ${after.rssKb} kB`).to.be.lessThan(50);
    expect(peakMb, `peak RSS ${before.peakKb} kB → ${after.peakKb} kB`).to.be.lessThan(50);
    expect(await serving()).to.equal(HealthCheckResponse_ServingStatus.SERVING);
  });

  it("closes 1,000 connections that only sent the HTTP/2 preface after the idle timeout, answering health meanwhile", async () => {
    const sockets = await Promise.all(
      Array.from({ length: 1000 }, () => connect(pager.address, HTTP2_PREFACE)),
    );
    const closed = sockets.map(
      (socket) => new Promise<void>((resolve) => socket.once("close", () => resolve())),
    );
    const openedAt = Date.now();
    let answered = 0;
    let allClosed = false;
    const waiting = Promise.all(closed).then(() => {
      allClosed = true;
    });
    while (!allClosed) {
      expect(await serving()).to.equal(HealthCheckResponse_ServingStatus.SERVING);
      answered += 1;
      await Promise.race([waiting, delay(100)]);
      expect(Date.now() - openedAt, "all closed within 20 idle timeouts").to.be.lessThan(
        20 * IDLE_TIMEOUT_MS,
      );
    }
    // Closed by the server, not before the timeout.
    expect(Date.now() - openedAt).to.be.at.least(IDLE_TIMEOUT_MS);
    expect(answered).to.be.greaterThan(0);
    expect(await serving()).to.equal(HealthCheckResponse_ServingStatus.SERVING);
  });

  it("1 MB of random bytes, the preface followed by garbage, and a garbled HTTP/1.1 request leave it SERVING", async () => {
    const noise = randomBytes(MiB);
    noise[0] = 0x16; // never the preface's "P", so it is taken for HTTP/1.1 and refused as such
    const h1 = await exchange(pager.address, noise);
    expect(h1.toString("latin1")).to.match(/^(HTTP\/1\.1 400|$)/);
    await exchange(pager.address, Buffer.concat([HTTP2_PREFACE, randomBytes(MiB)]));
    const garbled = await exchange(
      pager.address,
      Buffer.from(
        "POST /pager.v1.PagerService/SendAlert HTTP/1.1\r\nHost: \x00\x01\r\nContent-Length: -5\r\n\r\n\xff\xfe",
        "latin1",
      ),
    );
    expect(garbled.toString("latin1")).to.match(/^HTTP\/1\.1 400 Bad Request/);
    expect(await serving()).to.equal(HealthCheckResponse_ServingStatus.SERVING);
  });

  it("announces its cap on concurrent streams per connection", async () => {
    const session = http2.connect(`http://${pager.address}`);
    try {
      const settings = await new Promise<http2.Settings>((resolve) =>
        session.once("remoteSettings", resolve),
      );
      expect(settings.maxConcurrentStreams).to.equal(MAX_STREAMS);
    } finally {
      session.close();
    }
  });

  it("shortens a deadline beyond PAGER_MAX_DEADLINE_MS: an hour-long watch ends DEADLINE_EXCEEDED", async () => {
    const client = new grpc.Client(pager.address, grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    metadata.set("authorization", `Bearer ${TEST_KEYS.admin}`);
    const startedAt = Date.now();
    const code = await new Promise<grpc.status>((resolve) => {
      const stream = client.makeServerStreamRequest(
        `/${PagerService.typeName}/${PagerService.method.watchAlerts.name}`,
        (request: Uint8Array) => Buffer.from(request),
        (bytes: Buffer) => bytes,
        new Uint8Array(0),
        metadata,
        { deadline: Date.now() + 3_600_000 },
      );
      stream.on("data", () => {});
      stream.on("error", (error: grpc.ServiceError) => resolve(error.code));
      stream.on("end", () => resolve(grpc.status.OK));
    });
    client.close();
    expect(grpc.status[code]).to.equal("DEADLINE_EXCEEDED");
    expect(Date.now() - startedAt).to.be.lessThan(MAX_DEADLINE_MS + 5000);
  });
});

describe("transport: a cap on connections", () => {
  it("closes connections beyond PAGER_MAX_CONNECTIONS as they arrive, and takes new ones when others end", async () => {
    const handler = ((_req: unknown, res: { end(body: string): void }) =>
      res.end("ok")) as unknown as NodeHandler;
    const limits = readServerLimits({ PAGER_MAX_CONNECTIONS: "3" }, "PAGER");
    const server = await listen(handler, { host: "127.0.0.1", port: 0, limits });
    const address = `127.0.0.1:${server.port}`;
    try {
      const held = await Promise.all([1, 2, 3].map(() => connect(address, Buffer.alloc(0))));
      await delay(50); // the server has counted them
      const refused = await exchange(address, Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
      expect(refused.length, "the fourth connection gets no answer").to.equal(0);
      const first = held[0];
      first?.destroy();
      await delay(50);
      const answered = await exchange(
        address,
        Buffer.from("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
      );
      expect(answered.toString("latin1")).to.match(/^HTTP\/1\.1 200 OK[\s\S]*ok$/);
      for (const socket of held) socket.destroy();
    } finally {
      await server.close(100);
    }
  });
});

/** The server's resident memory now and at its peak (VmRSS, VmHWM), in kB. */
function memory(pid: number): { rssKb: number; peakKb: number } {
  const kb = readMemoryKb(pid);
  if (kb === null) throw new Error(`process ${pid} is gone`);
  return { rssKb: kb.rssKb, peakKb: kb.hwmKb };
}

/** A connection that has sent `bytes` and then nothing. */
function connect(address: string, bytes: Buffer): Promise<net.Socket> {
  const [host, port] = address.split(":");
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: Number(port) }, () => {
      socket.write(bytes);
      resolve(socket);
    });
    socket.on("error", reject);
    socket.resume();
  });
}

/** Sends `bytes`, and collects what comes back until the server closes the connection. */
async function exchange(address: string, bytes: Buffer): Promise<Buffer> {
  const [host, port] = address.split(":");
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host, port: Number(port) }, () => socket.end(bytes));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => {});
    socket.once("close", () => resolve(Buffer.concat(chunks)));
    socket.setTimeout(15_000, () => socket.destroy());
  });
}
