import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { NodeHandler } from "./listen.js";

const HEADER = "grpc-message";

/**
 * Re-encodes `grpc-message` the way the gRPC spec says: percent-encode only
 * bytes outside printable ASCII and "%" itself.
 *
 * Why: Connect-ES encodes it with encodeURIComponent, and @grpc/grpc-js
 * decodes it with decodeURI, which leaves reserved characters encoded, so a
 * grpc-js client would read "levels[0]%3A at least one level…". Our error
 * messages name fields, emails and URLs, so ":", "@" and "/" must survive.
 */
export function withSpecGrpcMessage(handler: NodeHandler): NodeHandler {
  return (req, res) => {
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => unknown;
    (res as { writeHead: unknown }).writeHead = (...args: unknown[]) => {
      const headers = args[args.length - 1];
      if (typeof headers === "object" && headers !== null && !Array.isArray(headers)) {
        reencode(headers as OutgoingHttpHeaders);
      }
      return writeHead(...args);
    };
    const addTrailers = res.addTrailers.bind(res) as (trailers: OutgoingHttpHeaders) => void;
    (res as { addTrailers: unknown }).addTrailers = (trailers: OutgoingHttpHeaders) => {
      if (!Array.isArray(trailers)) reencode(trailers);
      addTrailers(trailers);
    };
    return handler(req, res);
  };
}

function reencode(headers: OutgoingHttpHeaders | IncomingHttpHeaders): void {
  const value = headers[HEADER];
  if (typeof value !== "string") return;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return;
  }
  headers[HEADER] = Array.from(Buffer.from(decoded, "utf8"))
    .map((byte) =>
      byte >= 0x20 && byte <= 0x7e && byte !== 0x25
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`,
    )
    .join("");
}
