/** RFC 6750: "Bearer", spaces, then a token68 (letters, digits, -._~+/, trailing "="). */
const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/-]+=*)[ \t]*$/i;

/**
 * The secret a caller presents as `authorization: Bearer <secret>`, the same
 * header in gRPC metadata, gRPC-Web and Connect; null when the header is
 * missing or is not a single bearer credential. Callers refuse null exactly
 * as they refuse an unknown secret, so a malformed header teaches nothing.
 */
export function bearerCredential(header: string | null): string | null {
  if (header === null) return null;
  return BEARER.exec(header)?.[1] ?? null;
}

/** The metadata a client sends to present `secret`. */
export function bearerHeader(secret: string): string {
  return `Bearer ${secret}`;
}
