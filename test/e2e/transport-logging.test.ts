import { expect } from "chai";
import { grpcCheck } from "../support/grpc-health-client.js";
import { useTransportHarness } from "../support/transport-harness.js";

describe("transport: logging interceptor, over HTTP/2 with a @grpc/grpc-js client", () => {
  const h = useTransportHarness();

  it("logs one line per call, without the request", async () => {
    await grpcCheck(h.grpcClient, "pager.v1.PagerService");
    const line = h.logs.findLast((l) => l.rpc === "grpc.health.v1.Health/Check");
    expect(line).to.include({ code: "ok", protocol: "grpc", level: 30, msg: "rpc" });
    expect(line?.duration_ms).to.be.a("number");

    await grpcCheck(h.grpcClient, "pager.v1.Secret").catch(() => undefined);
    expect(h.logs.at(-1)).to.include({ code: "not_found", level: 30 });
    expect(JSON.stringify(h.logs), "a request body was logged").not.to.contain("pager.v1.Secret");
  });
});
