import type { HttpRequest } from "./http-routes.js";

/** A request body read whole, or only measured because it was larger than allowed. */
export type RequestBody =
  | { readonly kind: "complete"; readonly bytes: Buffer }
  | { readonly kind: "too-large"; readonly maxBytes: number };

/**
 * Past this much, a too-large body is not even drained: the request is cut
 * off, as a client that sends that much to a small endpoint is not one that
 * will read the answer.
 */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Reads a plain HTTP request's body, keeping at most `maxBytes` in memory.
 * A larger body is read on and dropped rather than cut off, so that an
 * HTTP/1.1 client still sending it gets the refusal instead of a reset
 * connection.
 */
export async function readRequestBody(
  request: HttpRequest,
  maxBytes: number,
): Promise<RequestBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size <= maxBytes) chunks.push(bytes);
    else if (size > DRAIN_LIMIT_BYTES) {
      request.destroy();
      break;
    }
  }
  return size <= maxBytes
    ? { kind: "complete", bytes: Buffer.concat(chunks) }
    : { kind: "too-large", maxBytes };
}
