import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import {
  type HealthCheckResponse,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../../gen/grpc/health/v1/health_pb.js";
import { HealthMonitor } from "../../src/platform/health/health-monitor.js";
import { grpcCheck, grpcWatch } from "../support/grpc-health-client.js";
import { useTransportHarness } from "../support/transport-harness.js";

describe("transport: health over HTTP/2 with a @grpc/grpc-js client", () => {
  const h = useTransportHarness();

  beforeEach(async () => {
    await h.setDatabaseUp(true);
  });

  it("answers SERVING, then NOT_SERVING once the probe fails", async () => {
    expect((await grpcCheck(h.grpcClient, "")).status).to.equal(ServingStatus.SERVING);
    expect((await grpcCheck(h.grpcClient, "pager.v1.PagerService")).status).to.equal(
      ServingStatus.SERVING,
    );

    await h.setDatabaseUp(false);

    expect((await grpcCheck(h.grpcClient, "")).status).to.equal(ServingStatus.NOT_SERVING);
    expect((await grpcCheck(h.grpcClient, "pager.v1.NotificationService")).status).to.equal(
      ServingStatus.NOT_SERVING,
    );
  });

  it("answers NOT_FOUND for a service it does not serve", async () => {
    const error = await grpcCheck(h.grpcClient, "pager.v1.Nope").then(
      () => expect.fail("Check of an unknown service succeeded"),
      (e: grpc.ServiceError) => e,
    );
    expect(error.code).to.equal(grpc.status.NOT_FOUND);
    expect(error.details).to.contain("pager.v1.Nope");
  });

  it("streams the status on Watch, then each change", async () => {
    const call = grpcWatch(h.grpcClient, "");
    call.on("error", () => {}); // cancelled below, on purpose
    const statuses = messages<HealthCheckResponse>(call);

    expect((await statuses.next()).value?.status).to.equal(ServingStatus.SERVING);
    await h.setDatabaseUp(false);
    expect((await statuses.next()).value?.status).to.equal(ServingStatus.NOT_SERVING);
    await h.setDatabaseUp(true);
    expect((await statuses.next()).value?.status).to.equal(ServingStatus.SERVING);
    call.cancel();
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

function messages<T>(stream: AsyncIterable<unknown>): AsyncIterator<T> {
  return (stream as AsyncIterable<T>)[Symbol.asyncIterator]();
}
