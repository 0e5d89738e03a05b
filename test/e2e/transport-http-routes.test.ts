import { expect } from "chai";
import { pino } from "pino";
import { registerHealth } from "../../src/platform/health/health-service.js";
import { newMetricsRegistry } from "../../src/platform/metrics/metrics-registry.js";
import { OPEN_SCRAPES } from "../../src/platform/metrics/metrics-route.js";
import { readBrowserReach } from "../../src/platform/server/browser-reach.js";
import { exactPath, pathPrefix } from "../../src/platform/server/http-routes.js";
import { type Serving, serve } from "../../src/platform/server/serve.js";
import { h2Get } from "../support/h2-get.js";

describe("transport: plain HTTP routes next to the API on one port", () => {
  let serving: Serving;
  let baseUrl: string;

  before(async () => {
    serving = await serve({
      host: "127.0.0.1",
      port: 0,
      routes: (health) => (router) => registerHealth(router, health),
      services: [],
      probe: async () => {},
      logger: pino({ level: "silent" }),
      reach: readBrowserReach({}, "TEST"),
      metrics: { registry: newMetricsRegistry(), port: null, authorize: OPEN_SCRAPES },
      httpRoutes: [
        exactPath("/hello", (_request, response) => {
          response.writeHead(200, { "content-type": "text/plain" });
          response.end("hello");
        }),
        pathPrefix("/files/", (request, response) => {
          response.writeHead(200, { "content-type": "text/plain" });
          response.end(`file ${request.url}`);
        }),
      ],
    });
    await serving.health.checkNow();
    baseUrl = `http://127.0.0.1:${serving.server.port}`;
  });

  after(() => serving.close(1000));

  it("answers an exact path and a prefix over HTTP/1.1, ignoring the query", async () => {
    const hello = await fetch(`${baseUrl}/hello?x=1`);
    expect(hello.status).to.equal(200);
    expect(await hello.text()).to.equal("hello");
    const file = await fetch(`${baseUrl}/files/a/b.txt`);
    expect(await file.text()).to.equal("file /files/a/b.txt");
  });

  it("answers the same routes over HTTP/2 with prior knowledge", async () => {
    expect(await h2Get(baseUrl, "/hello")).to.include({ status: 200, body: "hello" });
  });

  it("answers 404 for a path that is neither an RPC nor a route", async () => {
    const response = await fetch(`${baseUrl}/hello/more`);
    expect(response.status).to.equal(404);
    expect((await h2Get(baseUrl, "/nope")).status).to.equal(404);
  });

  it("still serves RPCs on the same port", async () => {
    const response = await fetch(`${baseUrl}/grpc.health.v1.Health/Check`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(await response.json()).to.deep.equal({ status: "SERVING" });
  });
});
