import { pathOf } from "./http-routes.js";
import type { NodeHandler } from "./listen.js";

const GRPC_TIMEOUT = "grpc-timeout";
const CONNECT_TIMEOUT = "connect-timeout-ms";

const GRPC_UNIT_MS: Record<string, number> = {
  H: 3_600_000,
  M: 60_000,
  S: 1000,
  m: 1,
  u: 0.001,
  n: 0.000_001,
};

/**
 * Caps how long a call may run: a deadline longer than `maxMs` is shortened
 * to it, and a unary call without one (`isUnary` of its path) gets it.
 *
 * Why: a handler holds a database connection, locks and memory while it runs;
 * a client asking for an hour, or for no deadline at all, must not hold them
 * that long. Shortening rather than refusing keeps clients with generous
 * defaults working: they get DEADLINE_EXCEEDED only if the call is really
 * that slow. Server streams stay open-ended unless the client bounds them.
 * The headers are rewritten before Connect reads them, so its own deadline
 * handling (and DEADLINE_EXCEEDED) applies to gRPC, gRPC-Web and Connect alike.
 */
export function withDeadlineCap(
  handler: NodeHandler,
  maxMs: number,
  isUnary: (path: string) => boolean,
): NodeHandler {
  return (req, res) => {
    const headers = req.headers;
    const grpc = headers[GRPC_TIMEOUT];
    const connect = headers[CONNECT_TIMEOUT];
    if (typeof grpc === "string") {
      if (grpcTimeoutMs(grpc) > maxMs) headers[GRPC_TIMEOUT] = `${maxMs}m`;
    } else if (typeof connect === "string") {
      if (/^\d{1,10}$/.test(connect) && Number(connect) > maxMs) {
        headers[CONNECT_TIMEOUT] = String(maxMs);
      }
    } else if (isUnary(pathOf(req.url))) {
      const grpcFamily = String(headers["content-type"] ?? "").startsWith("application/grpc");
      headers[grpcFamily ? GRPC_TIMEOUT : CONNECT_TIMEOUT] = grpcFamily
        ? `${maxMs}m`
        : String(maxMs);
    }
    return handler(req, res);
  };
}

/** The timeout in ms; malformed: 0, left for Connect to refuse. */
function grpcTimeoutMs(value: string): number {
  const match = /^(\d{1,8})([HMSmun])$/.exec(value);
  if (match === null) return 0;
  return Number(match[1]) * (GRPC_UNIT_MS[match[2] ?? "m"] ?? 1);
}
