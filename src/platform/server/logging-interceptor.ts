import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import type { Logger } from "pino";
import { reportCallEnd } from "./stream-end.js";

/** Codes that mean the server is at fault: someone must look at them. */
const SERVER_FAULTS = new Set([Code.Internal, Code.Unknown, Code.DataLoss]);

/**
 * One log line per RPC: what was called, how it ended, how long it took and
 * over which protocol. That is enough to answer "did this page go out, and
 * why not" without logging request bodies, which carry phone numbers and
 * webhook secrets.
 *
 * Server faults (INTERNAL, UNKNOWN, DATA_LOSS) log at error with the error
 * message; everything else, client mistakes included, at info. Streaming
 * calls are logged when the response stream ends, so the duration is the
 * stream's.
 */
export function loggingInterceptor(logger: Logger): Interceptor {
  return (next) => async (request) => {
    const started = performance.now();
    const fields = {
      rpc: `${request.service.typeName}/${request.method.name}`,
      protocol: protocolOf(request.header.get("content-type")),
    };
    const done = (error?: unknown): void => {
      const duration_ms = Math.round((performance.now() - started) * 100) / 100;
      if (error === undefined) {
        logger.info({ ...fields, code: "ok", duration_ms }, "rpc");
        return;
      }
      // Connect answers INTERNAL for anything that is not a ConnectError; log the same.
      const connectError = ConnectError.from(error, Code.Internal);
      const code = codeToString(connectError.code);
      if (SERVER_FAULTS.has(connectError.code)) {
        logger.error({ ...fields, code, duration_ms, error: connectError.rawMessage }, "rpc");
      } else {
        logger.info({ ...fields, code, duration_ms }, "rpc");
      }
    };
    return reportCallEnd(next, request, done);
  };
}

/** Connect puts no protocol name on a request; its content type tells. */
function protocolOf(contentType: string | null): string {
  if (contentType?.startsWith("application/grpc-web")) {
    return "grpc-web";
  }
  if (contentType?.startsWith("application/grpc")) {
    return "grpc";
  }
  return "connect";
}
