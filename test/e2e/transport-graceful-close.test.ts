import { once } from "node:events";
import * as net from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { type ConnectRouter, createClient } from "@connectrpc/connect";
import {
  connectNodeAdapter,
  createGrpcTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import {
  type HealthCheckResponse,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../../gen/grpc/health/v1/health_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { HealthMonitor } from "../../src/platform/health/health-monitor.js";
import { registerHealth } from "../../src/platform/health/health-service.js";
import { type ListeningServer, listen } from "../../src/platform/server/listen.js";
import { grpcWatch } from "../support/grpc-health-client.js";

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
      const call = grpcWatch(client, "");
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

async function expectRefused(port: number): Promise<void> {
  const socket = net.connect({ host: "127.0.0.1", port });
  const [error] = (await once(socket, "error").catch((e: unknown) => [e])) as [
    NodeJS.ErrnoException,
  ];
  socket.destroy();
  expect(error.code).to.equal("ECONNREFUSED");
}
