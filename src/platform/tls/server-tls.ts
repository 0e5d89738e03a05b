import { optionalFile, requireTogether } from "../settings/env-files.js";
import type { Env } from "../settings/env-values.js";

/**
 * The certificate a program serves its one port with, and optionally the CA
 * its clients' certificates must be signed by (mutual TLS). PEM contents,
 * read at start.
 */
export interface ServerTls {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Set: every client must present a certificate signed by this CA, or the handshake fails. */
  readonly clientCa: Buffer | null;
}

/**
 * Reads `<prefix>_TLS_CERT`, `<prefix>_TLS_KEY` (files, both or neither) and
 * `<prefix>_TLS_CLIENT_CA`; null: the port serves plaintext, as on a laptop.
 */
export function readServerTls(env: Env, prefix: string): ServerTls | null {
  const certName = `${prefix}_TLS_CERT`;
  const keyName = `${prefix}_TLS_KEY`;
  const caName = `${prefix}_TLS_CLIENT_CA`;
  requireTogether(env, [certName, keyName]);
  const cert = optionalFile(env, certName);
  const key = optionalFile(env, keyName);
  const clientCa = optionalFile(env, caName);
  if (cert === null || key === null) {
    if (clientCa !== null)
      throw new Error(`${caName} needs ${certName} and ${keyName}: mutual TLS is TLS first`);
    return null;
  }
  return { cert, key, clientCa };
}
