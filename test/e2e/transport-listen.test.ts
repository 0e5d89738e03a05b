import { createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import {
  Health,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../../gen/grpc/health/v1/health_pb.js";
import { grpcCheck } from "../support/grpc-health-client.js";
import { type SplittingProxy, splittingProxy } from "../support/splitting-proxy.js";
import { useTransportHarness } from "../support/transport-harness.js";

describe("transport: one port, real clients", () => {
  const h = useTransportHarness();

  it("reports the real port when asked for port 0", () => {
    expect(h.server.port).to.be.a("number").greaterThan(0);
    expect(h.server.host).to.equal("127.0.0.1");
  });

  describe("HTTP/1.1 on the same port", () => {
    it("serves Connect JSON to a plain fetch", async () => {
      const response = await fetch(`${h.baseUrl}/grpc.health.v1.Health/Check`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(response.status).to.equal(200);
      expect(await response.json()).to.deep.equal({ status: "SERVING" });
    });

    it("serves Connect errors as JSON", async () => {
      const response = await fetch(`${h.baseUrl}/grpc.health.v1.Health/Check`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ service: "pager.v1.Nope" }),
      });
      expect(response.status).to.equal(404);
      expect(await response.json()).to.include({ code: "not_found" });
      expect(h.logs.at(-1)).to.include({ code: "not_found", protocol: "connect" });
    });

    it("serves gRPC-Web", async () => {
      const client = createClient(
        Health,
        createGrpcWebTransport({ baseUrl: h.baseUrl, httpVersion: "1.1" }),
      );
      expect((await client.check({ service: "" })).status).to.equal(ServingStatus.SERVING);
      expect(h.logs.at(-1)).to.include({ code: "ok", protocol: "grpc-web" });
    });
  });

  describe("first bytes split across packets", () => {
    let proxy: SplittingProxy;
    before(async () => {
      proxy = await splittingProxy(h.server.port);
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
