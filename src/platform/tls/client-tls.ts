import { optionalFile, requireTogether } from "../settings/env-files.js";
import type { Env } from "../settings/env-values.js";
import type { TextSetting } from "../settings/setting.js";

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

/** The settings one outbound connection is configured by. */
export interface ClientTlsSettings {
  readonly ca: TextSetting;
  readonly cert: TextSetting;
  readonly key: TextSetting;
}

/** Reads the three files; the certificate and its key come together or not at all. */
export function readClientTls(env: Env, settings: ClientTlsSettings): ClientTls {
  requireTogether(env, [settings.cert, settings.key]);
  return {
    ca: optionalFile(env, settings.ca),
    cert: optionalFile(env, settings.cert),
    key: optionalFile(env, settings.key),
  };
}

/** Whether any of the files is set: then cleartext to that callee is a mistake. */
export function hasClientTls(tls: ClientTls): boolean {
  return tls.ca !== null || tls.cert !== null;
}
