import { expect } from "chai";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { builtConsole } from "../support/built-console.js";
import { h2Get } from "../support/h2-get.js";
import { type PagerHarness, startPagerHarness } from "../support/pager-harness.js";

/** The web console as the pager serves it on its own port, before any browser runs it. */
describe("web console: served by the pager at /", () => {
  let h: PagerHarness;
  let baseUrl: string;

  before(async () => {
    h = await startPagerHarness({ PAGER_CONSOLE_DIR: await builtConsole() });
    baseUrl = `http://${h.address}`;
  });
  after(async () => {
    await h?.stop();
  });

  it("serves the page, its script and its style sheet with their types and a strict CSP, over HTTP/1.1", async () => {
    const page = await fetch(`${baseUrl}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get("content-type")).to.equal("text/html; charset=utf-8");
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).to.contain("default-src 'none'");
    expect(csp).to.contain("script-src 'self'");
    expect(csp).to.contain("connect-src 'self'");
    expect(csp).to.contain("frame-ancestors 'none'");
    expect(csp).to.not.contain("unsafe");
    expect(page.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(page.headers.get("referrer-policy")).to.equal("no-referrer");
    const html = await page.text();
    expect(html).to.contain('src="/assets/main.js"');
    // Nothing is loaded from anywhere else.
    expect(html).to.not.match(/https?:\/\//);

    const script = await fetch(`${baseUrl}/assets/main.js`);
    expect(script.status).to.equal(200);
    expect(script.headers.get("content-type")).to.equal("text/javascript; charset=utf-8");
    expect((await script.text()).length).to.be.greaterThan(1000);
    const style = await fetch(`${baseUrl}/assets/app.css`);
    expect(style.headers.get("content-type")).to.equal("text/css; charset=utf-8");
  });

  it("answers a browser that already has a file with 304, by its ETag", async () => {
    const first = await fetch(`${baseUrl}/assets/main.js`);
    const etag = first.headers.get("etag") ?? "";
    expect(etag).to.match(/^"[A-Za-z0-9_-]{27}"$/);
    expect(first.headers.get("cache-control")).to.equal("no-cache");
    const again = await fetch(`${baseUrl}/assets/main.js`, { headers: { "if-none-match": etag } });
    expect(again.status).to.equal(304);
    expect(await again.text()).to.equal("");
    const stale = await fetch(`${baseUrl}/assets/main.js`, {
      headers: { "if-none-match": '"something-else"' },
    });
    expect(stale.status).to.equal(200);
    expect((await fetch(`${baseUrl}/assets/app.css`)).headers.get("etag")).to.not.equal(etag);
  });

  it("serves the same over HTTP/2, next to the RPCs", async () => {
    const page = await h2Get(baseUrl, "/");
    expect(page.status).to.equal(200);
    expect(page.type).to.equal("text/html; charset=utf-8");
    expect(page.body).to.contain("/assets/main.js");
    const script = await h2Get(baseUrl, "/assets/main.js");
    expect(script.status).to.equal(200);
    expect(script.type).to.equal("text/javascript; charset=utf-8");
  });

  it("answers an acknowledgement link with the page, whatever the token", async () => {
    const page = await fetch(`${baseUrl}/ack/not-even-a-token`);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.contain("/assets/main.js");
  });

  it("serves only the files of the build, and only to GET and HEAD", async () => {
    expect((await fetch(`${baseUrl}/assets/nothing.js`)).status).to.equal(404);
    expect((await fetch(`${baseUrl}/assets/..%2Fpackage.json`)).status).to.equal(404);
    expect((await fetch(`${baseUrl}/somewhere-else`)).status).to.equal(404);
    const post = await fetch(`${baseUrl}/`, { method: "POST", body: "x" });
    expect(post.status).to.equal(405);
    const head = await fetch(`${baseUrl}/`, { method: "HEAD" });
    expect(head.status).to.equal(200);
  });
});

describe("web console: not built", () => {
  it("the API is served, and the page says how to build the console", async () => {
    const h = await startPagerHarness({ PAGER_CONSOLE_DIR: "/nonexistent/console" });
    try {
      const page = await fetch(`http://${h.address}/`);
      expect(page.status).to.equal(503);
      expect(await page.text()).to.contain("npm run build");
      const { alerts } = await h.client.call(PagerService.method.listAlerts, {});
      expect(alerts).to.be.an("array");
    } finally {
      await h.stop();
    }
  });
});
