import { cors } from "@connectrpc/connect";
import type { Logger } from "pino";
import { quoted } from "../errors/quoted.js";
import type { BrowserReachPolicy } from "./browser-reach.js";
import type { NodeHandler } from "./listen.js";

type Request = Parameters<NodeHandler>[0];
type Response = Parameters<NodeHandler>[1];

const ALLOWED_HEADERS = [...cors.allowedHeaders, "authorization"].join(", ");
const EXPOSED_HEADERS = cors.exposedHeaders.join(", ");
const ALLOWED_METHODS = cors.allowedMethods.join(", ");
/** Browsers may cache a preflight this long (2 h, Chromium's ceiling). */
const PREFLIGHT_MAX_AGE_S = 7200;

/**
 * Checks `Host` and `Origin` before anything else runs, RPCs and plain
 * routes alike: a request for another name, or from a web page of an origin
 * that is neither this server's nor listed for CORS, is refused with
 * PERMISSION_DENIED (403 for Connect and plain HTTP) and reaches no handler.
 * Clients that are not browsers send no `Origin` and are judged by `Host`
 * alone. Listed origins get the CORS headers Connect, gRPC-Web and the
 * `authorization` header need, and their preflights are answered here.
 */
export function guardBrowserReach(
  handler: NodeHandler,
  policy: BrowserReachPolicy,
  logger: Logger,
): NodeHandler {
  return (request, response) => {
    const authority = authorityOf(request);
    if (!policy.allowsHost(authority)) {
      logger.info({ host: authority, path: request.url }, "request refused: host not allowed");
      refuse(
        request,
        response,
        `requests addressed to ${quoted(authority ?? "")} are not served here; if that name is this server's, add it to ${policy.settingNames.allowedHosts}`,
      );
      return;
    }
    const origin = headerValue(request.headers.origin);
    const verdict = policy.originVerdict(origin, authority);
    if (verdict === "refused") {
      logger.info({ origin, path: request.url }, "request refused: origin not allowed");
      refuse(
        request,
        response,
        `web pages of origin ${quoted(origin ?? "")} may not call this server; list the origin in ${policy.settingNames.corsOrigins} to allow it`,
      );
      return;
    }
    if (verdict === "cors" && origin !== undefined) {
      response.setHeader("access-control-allow-origin", origin);
      response.setHeader("vary", "Origin");
      if (request.method === "OPTIONS" && request.headers["access-control-request-method"]) {
        response.writeHead(204, {
          "access-control-allow-methods": ALLOWED_METHODS,
          "access-control-allow-headers": ALLOWED_HEADERS,
          "access-control-max-age": String(PREFLIGHT_MAX_AGE_S),
        });
        response.end();
        return;
      }
      response.setHeader("access-control-expose-headers", EXPOSED_HEADERS);
    }
    handler(request, response);
  };
}

function authorityOf(request: Request): string | undefined {
  const pseudo = (request as { authority?: string }).authority;
  return pseudo ?? headerValue(request.headers.host);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * PERMISSION_DENIED in the caller's protocol: gRPC gets it in trailers after
 * an empty response, gRPC-Web in the headers of one, and anything else an
 * HTTP 403 with a Connect error body, which Connect clients read as
 * permission_denied and other clients as a plain 403.
 */
function refuse(request: Request, response: Response, message: string): void {
  const contentType = headerValue(request.headers["content-type"]) ?? "";
  const status = { "grpc-status": "7", "grpc-message": encodeURIComponent(message) };
  if (contentType.startsWith("application/grpc-web")) {
    response.writeHead(200, { "content-type": contentType, ...status });
    response.end();
    return;
  }
  if (contentType.startsWith("application/grpc")) {
    response.writeHead(200, { "content-type": "application/grpc" });
    response.addTrailers(status);
    response.end();
    return;
  }
  response.writeHead(403, { "content-type": "application/json" });
  response.end(JSON.stringify({ code: "permission_denied", message }));
}
