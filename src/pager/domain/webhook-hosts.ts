import {
  type IpAddress,
  type IpRange,
  inRange,
  mappedIpv4,
  parseIp,
  parseIpRange,
} from "./ip-address.js";

/**
 * The internal receivers an operator lets webhooks reach: host names
 * (`hooks.internal`, or `.corp.example.com` for a domain and its
 * subdomains) and address blocks (`10.1.0.0/16`, `127.0.0.1`).
 */
export interface WebhookHostRule {
  readonly names: readonly string[];
  readonly ranges: readonly IpRange[];
}

/** No internal receiver allowed: the default. */
export const NO_INTERNAL_HOSTS: WebhookHostRule = { names: [], ranges: [] };

/** Addresses a webhook must not reach unless allowed; the first match names the kind. */
const INTERNAL: readonly (readonly [IpRange, string])[] = (
  [
    ["0.0.0.0/8", "an unspecified"],
    ["127.0.0.0/8", "a loopback"],
    ["169.254.0.0/16", "a link-local"],
    ["10.0.0.0/8", "a private"],
    ["172.16.0.0/12", "a private"],
    ["192.168.0.0/16", "a private"],
    ["::/128", "an unspecified"],
    ["::1/128", "a loopback"],
    ["fe80::/10", "a link-local"],
    ["fc00::/7", "a unique-local"],
    ["::ffff:0:0/96", "an IPv4-mapped"],
    ["::/96", "an IPv4-compatible"],
  ] as const
).map(([block, kind]) => [parseIpRange(block) as IpRange, kind] as const);

/**
 * Reads the allow-list entries; a name is lower-cased, an address or block
 * parsed. Null when an entry is neither.
 */
export function parseWebhookHostRule(entries: readonly string[]): WebhookHostRule | null {
  const names: string[] = [];
  const ranges: IpRange[] = [];
  for (const entry of entries) {
    const range = parseIpRange(entry.replace(/^\[|\](?=\/|$)/g, ""));
    if (range !== null) ranges.push(range);
    else if (/^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(entry)) {
      names.push(entry.toLowerCase());
    } else return null;
  }
  return { names, ranges };
}

/**
 * Why a webhook may not be sent to `hostname` (as a URL gives it: lower
 * case, IPv6 in brackets), or null when it may: an address inside a block
 * a webhook must not reach (loopback, link-local such as the cloud metadata
 * service at 169.254.169.254, private, unique-local, IPv4-mapped,
 * unspecified), or a loopback name, unless the rule allows it. Names are
 * judged again by the addresses they resolve to when the page is sent.
 */
export function webhookHostProblem(hostname: string, rule: WebhookHostRule): string | null {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (nameAllowed(host, rule)) return null;
  const ip = parseIp(host);
  if (ip !== null) {
    const kind = internalKind(ip, rule);
    return kind === null ? null : `${host} is ${kind} address`;
  }
  if (host === "localhost" || host.endsWith(".localhost")) return `${host} is a loopback name`;
  return null;
}

/**
 * Why a webhook to `hostname` may not connect to `address`, one of the
 * addresses the name resolved to, or null when it may; a name the rule
 * allows may reach any address.
 */
export function resolvedAddressProblem(
  hostname: string,
  address: string,
  rule: WebhookHostRule,
): string | null {
  if (nameAllowed(hostname.toLowerCase().replace(/\.$/, ""), rule)) return null;
  const ip = parseIp(address);
  const kind = ip === null ? null : internalKind(ip, rule);
  return kind === null ? null : `${hostname} resolves to ${address}, ${kind} address`;
}

/** The kind of internal address `ip` is, or null when it is public or the rule allows it. */
function internalKind(ip: IpAddress, rule: WebhookHostRule): string | null {
  const mapped = mappedIpv4(ip);
  const allowed = rule.ranges.some(
    (range) => inRange(ip, range) || (mapped !== null && inRange(mapped, range)),
  );
  if (allowed) return null;
  return INTERNAL.find(([range]) => inRange(ip, range))?.[1] ?? null;
}

function nameAllowed(host: string, rule: WebhookHostRule): boolean {
  return rule.names.some((name) =>
    name.startsWith(".") ? host === name.slice(1) || host.endsWith(name) : host === name,
  );
}
