import type { IncomingHttpHeaders } from "node:http";
import { expect } from "chai";
import { withDeadlineCap } from "../../src/platform/server/deadline-cap.js";
import type { NodeHandler } from "../../src/platform/server/listen.js";

const UNARY = "/pager.v1.PagerService/SendAlert";
const STREAM = "/pager.v1.PagerService/WatchAlerts";

/** The headers Connect would read after the cap, for a request to `path` with `headers`. */
function capped(path: string, headers: IncomingHttpHeaders): IncomingHttpHeaders {
  let seen: IncomingHttpHeaders = {};
  const inner = ((req: { headers: IncomingHttpHeaders }) => {
    seen = { ...req.headers };
  }) as unknown as NodeHandler;
  const handler = withDeadlineCap(inner, 60_000, (p) => p === UNARY);
  (handler as unknown as (req: unknown, res: unknown) => void)(
    { url: `${path}?x=1`, headers: { ...headers } },
    {},
  );
  return seen;
}

describe("deadline cap", () => {
  it("shortens a longer grpc-timeout or connect-timeout-ms to the cap", () => {
    expect(capped(UNARY, { "grpc-timeout": "1H" })["grpc-timeout"]).to.equal("60000m");
    expect(capped(STREAM, { "grpc-timeout": "2M" })["grpc-timeout"]).to.equal("60000m");
    expect(capped(UNARY, { "connect-timeout-ms": "600000" })["connect-timeout-ms"]).to.equal(
      "60000",
    );
  });

  it("leaves shorter and malformed deadlines to Connect", () => {
    expect(capped(UNARY, { "grpc-timeout": "5S" })["grpc-timeout"]).to.equal("5S");
    expect(capped(UNARY, { "grpc-timeout": "soon" })["grpc-timeout"]).to.equal("soon");
    expect(capped(UNARY, { "connect-timeout-ms": "250" })["connect-timeout-ms"]).to.equal("250");
  });

  it("gives a unary call without a deadline the cap, in its protocol's header", () => {
    const grpc = capped(UNARY, { "content-type": "application/grpc+proto" });
    expect(grpc["grpc-timeout"]).to.equal("60000m");
    const web = capped(UNARY, { "content-type": "application/grpc-web+proto" });
    expect(web["grpc-timeout"]).to.equal("60000m");
    const connect = capped(UNARY, { "content-type": "application/json" });
    expect(connect["connect-timeout-ms"]).to.equal("60000");
    expect(connect["grpc-timeout"]).to.equal(undefined);
  });

  it("lets a server stream without a deadline stay open", () => {
    const headers = capped(STREAM, { "content-type": "application/grpc" });
    expect(headers["grpc-timeout"]).to.equal(undefined);
    expect(headers["connect-timeout-ms"]).to.equal(undefined);
  });
});
