import { optionalFile, requireTogether } from "../settings/env-files.js";
import type { Env } from "../settings/env-values.js";

/**
 * How a program calls another over TLS: the CA it trusts for the callee's
 * certificate (null: the system's), and the certificate it presents when the
 * callee asks for one (mutual TLS). PEM contents, read at start.
 */
export interface ClientTls {
  readonly ca: Buffer | null;
  readonly cert: Buffer | null;
  readonly key: Buffer | null;
}

/** The variables one outbound connection is configured by. */
export interface ClientTlsNames {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/** Reads the three files; the certificate and its key come together or not at all. */
export function readClientTls(env: Env, names: ClientTlsNames): ClientTls {
  requireTogether(env, [names.cert, names.key]);
  return {
    ca: optionalFile(env, names.ca),
    cert: optionalFile(env, names.cert),
    key: optionalFile(env, names.key),
  };
}

/** Whether any of the files is set: then plaintext to that callee is a mistake. */
export function hasClientTls(tls: ClientTls): boolean {
  return tls.ca !== null || tls.cert !== null;
}
