import type { ApiKeyRole } from "./api-key.js";
import type { Target } from "./target.js";

/**
 * How much of a target a caller may read. Webhook URLs often carry a secret
 * token in their path or query (a chat incoming-webhook, a signed receiver
 * URL): only admin keys, which may change them anyway, see them whole.
 */
export function discloseTarget(target: Target, role: ApiKeyRole | null): Target {
  if (target.kind !== "webhook" || role === "admin") return target;
  return { kind: "webhook", url: redactUrl(target.url) };
}

/**
 * `scheme://host[:port]/…`: where the pages go, without path, query,
 * fragment or userinfo, which is where secrets live.
 */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}/…`;
  } catch {
    return "…";
  }
}
