import { invalidArgument } from "../../platform/errors/domain-error.js";

const MAX_ENTRIES = 16;
const MAX_TOTAL_BYTES = 8 * 1024;
/** A lower-case HTTP/2 header name. */
const KEY = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
/** Printable ASCII and tabs: what a header value can carry unencoded. */
const VALUE = /^[\t\x20-\x7e]*$/;
/** Headers the call itself sets: a caller overriding them would break or hijack the call. */
const RESERVED = new Set([
  "content-type",
  "te",
  "host",
  "user-agent",
  "connection",
  "transfer-encoding",
  "upgrade",
]);

/**
 * Checks the metadata a callback is to carry, typically the callee's
 * credential. Bounded, because it is stored per timer and sent with every
 * attempt; limited to plain text headers that the call does not set itself.
 * The message never quotes a value: values are secrets.
 */
export function validateMetadata(
  metadata: Readonly<Record<string, string>>,
  field: string,
): Readonly<Record<string, string>> {
  const entries = Object.entries(metadata);
  if (entries.length > MAX_ENTRIES) {
    throw invalidArgument(field, `must have at most ${MAX_ENTRIES} entries`);
  }
  let bytes = 0;
  for (const [key, value] of entries) {
    if (!KEY.test(key) || key.startsWith("grpc-") || key.endsWith("-bin") || RESERVED.has(key)) {
      throw invalidArgument(
        `${field}[${JSON.stringify(key.slice(0, 64))}]`,
        'must be a lower-case header name, not "grpc-…", "…-bin" or one the call sets itself (content-type, te, host, user-agent)',
      );
    }
    if (!VALUE.test(value)) {
      throw invalidArgument(
        `${field}[${JSON.stringify(key.slice(0, 64))}]`,
        "must be printable ASCII (the value is not shown)",
      );
    }
    bytes += key.length + value.length;
  }
  if (bytes > MAX_TOTAL_BYTES) {
    throw invalidArgument(
      field,
      `must be at most ${MAX_TOTAL_BYTES} bytes of keys and values in all`,
    );
  }
  return Object.fromEntries(entries);
}
