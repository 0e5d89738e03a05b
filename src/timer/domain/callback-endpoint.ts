import { invalidArgument } from "../../platform/errors/domain-error.js";
import { quoted } from "../../platform/errors/quoted.js";

const HOST_PORT = /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?):(\d{1,5})$/;

/**
 * Reads a `host:port` endpoint, lower-cased, so that the allow-list compares
 * like with like. No scheme and no path: the callee is an HTTP/2 gRPC
 * server, reached in cleartext or over TLS as the timer service is set up
 * (TIMER_CALLBACK_CA), and anything else is refused rather than guessed.
 */
export function parseEndpoint(value: string, field: string): string {
  const endpoint = value.trim().toLowerCase();
  const match = HOST_PORT.exec(endpoint);
  const port = Number(match?.[3]);
  if (match === null || port < 1 || port > 65_535) {
    throw invalidArgument(
      field,
      `${quoted(value)} is not a host:port endpoint (e.g. "127.0.0.1:50051" or "pager.internal:50051")`,
    );
  }
  return endpoint;
}
