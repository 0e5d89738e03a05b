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

/**
 * A target as an info-level log line may show it: enough to tell targets
 * apart (`a•••@example.com`, `+14•••••••23`, a webhook by its host), not
 * enough to reach the person. Logs are read by more people, and kept
 * longer, than the policies that hold the addresses.
 */
export function maskTarget(target: Target): Target {
  switch (target.kind) {
    case "email": {
      const at = target.address.lastIndexOf("@");
      return {
        kind: "email",
        address: `${target.address.slice(0, 1)}•••${target.address.slice(at)}`,
      };
    }
    case "sms": {
      const number = target.phoneNumber;
      const hidden = Math.max(0, number.length - 5);
      return {
        kind: "sms",
        phoneNumber: `${number.slice(0, 3)}${"•".repeat(hidden)}${number.slice(3 + hidden)}`,
      };
    }
    case "webhook":
      return { kind: "webhook", url: redactUrl(target.url) };
  }
}
