import { optionalFile, requireTogether } from "../settings/env-files.js";
import type { Env } from "../settings/env-values.js";
import type { TextSetting } from "../settings/setting.js";

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

/** `<prefix>_TLS_CERT`, `_TLS_KEY` and `_TLS_CLIENT_CA`, as read and documented. */
export function serverTlsSettings(prefix: string): {
  tlsCert: TextSetting;
  tlsKey: TextSetting;
  tlsClientCa: TextSetting;
} {
  return {
    tlsCert: {
      kind: "text",
      name: `${prefix}_TLS_CERT`,
      fallback: null,
      meaning:
        "PEM file of the port's certificate (chain): the port speaks TLS only, HTTP/2 or HTTP/1.1 as the client asks (ALPN); see [TLS](#tls-and-mutual-tls). Needs the key.",
    },
    tlsKey: {
      kind: "text",
      name: `${prefix}_TLS_KEY`,
      fallback: null,
      meaning: "PEM file of that certificate's private key.",
    },
    tlsClientCa: {
      kind: "text",
      name: `${prefix}_TLS_CLIENT_CA`,
      fallback: null,
      meaning:
        "PEM file of a CA: every client must present a certificate it signed (mutual TLS), health included. Needs the certificate and key.",
    },
  };
}

/** Reads the TLS files; null: the port serves cleartext, as on a laptop. */
export function readServerTls(env: Env, prefix: string): ServerTls | null {
  const settings = serverTlsSettings(prefix);
  requireTogether(env, [settings.tlsCert, settings.tlsKey]);
  const cert = optionalFile(env, settings.tlsCert);
  const key = optionalFile(env, settings.tlsKey);
  const clientCa = optionalFile(env, settings.tlsClientCa);
  if (cert === null || key === null) {
    if (clientCa !== null) {
      throw new Error(
        `${settings.tlsClientCa.name} needs ${settings.tlsCert.name} and ${settings.tlsKey.name}: mutual TLS is TLS first`,
      );
    }
    return null;
  }
  return { cert, key, clientCa };
}
