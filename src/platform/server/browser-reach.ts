import { isIP } from "node:net";
import { hostname } from "node:os";
import { type Env, text } from "../settings/env-values.js";
import type { TextSetting } from "../settings/setting.js";

/** What an operator allows beyond the server's own names; see {@link readBrowserReach}. */
export interface BrowserReachSettings {
  /** Host names requests may be addressed to, besides the server's own; "*" alone: any. */
  readonly allowedHosts: readonly string[];
  /** Origins (`scheme://host[:port]`) whose web pages may call the API across origins. */
  readonly corsOrigins: readonly string[];
  /** The settings these came from, which a refusal names as its remedy. */
  readonly settingNames: { readonly allowedHosts: string; readonly corsOrigins: string };
}

/** Where `Origin` leads: same origin, an origin allowed by CORS, or a refusal. */
export type OriginVerdict = "none" | "same-origin" | "cors" | "refused";

const HOST_NAME = /^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/**
 * Reads `<prefix>_ALLOWED_HOSTS` and `<prefix>_CORS_ORIGINS`, comma-separated.
 * A host entry is a name ("pager.internal"), a name with a leading dot for
 * it and every subdomain (".example.com"), or "*" alone for any name. A CORS
 * entry is an exact origin such as "https://console.example.com"; there is no
 * wildcard, so what is allowed is what is written.
 */
export function readBrowserReach(env: Env, prefix: string): BrowserReachSettings {
  const settings = browserReachSettings(prefix, {});
  return {
    allowedHosts: readHosts(env, settings.allowedHosts),
    corsOrigins: readOrigins(env, settings.corsOrigins),
    settingNames: {
      allowedHosts: settings.allowedHosts.name,
      corsOrigins: settings.corsOrigins.name,
    },
  };
}

/** `<prefix>_ALLOWED_HOSTS` and `<prefix>_CORS_ORIGINS` as documented; `meanings` replaces the generic text. */
export function browserReachSettings(
  prefix: string,
  meanings: { allowedHosts?: string; corsOrigins?: string },
): { allowedHosts: TextSetting; corsOrigins: TextSetting } {
  return {
    allowedHosts: {
      kind: "text",
      name: `${prefix}_ALLOWED_HOSTS`,
      fallback: null,
      meaning:
        meanings.allowedHosts ??
        "Comma-separated names requests may be addressed to (`Host`/`:authority`) besides IP addresses, `localhost` and the machine's host name: e.g. `pager.internal,.corp.example.com` (a leading dot: the domain and its subdomains); `*` for any.",
    },
    corsOrigins: {
      kind: "text",
      name: `${prefix}_CORS_ORIGINS`,
      fallback: null,
      meaning:
        meanings.corsOrigins ??
        "Comma-separated origins (`https://console.example.com`) whose web pages may call the API across origins. Unset: none.",
    },
  };
}

function entries(env: Env, setting: TextSetting): string[] {
  return (text(env, setting) ?? "")
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== "");
}

function readHosts(env: Env, setting: TextSetting): string[] {
  const name = setting.name;
  const hosts = entries(env, setting);
  if (hosts.includes("*")) {
    if (hosts.length > 1)
      throw new Error(`${name}: "*" allows any host; list nothing else with it`);
    return hosts;
  }
  for (const host of hosts) {
    if (!HOST_NAME.test(host)) {
      throw new Error(
        `${name}: "${host}" is not a host name (write names without scheme or port, e.g. pager.internal or .example.com)`,
      );
    }
  }
  return hosts;
}

function readOrigins(env: Env, setting: TextSetting): string[] {
  const name = setting.name;
  return entries(env, setting).map((entry) => {
    let url: URL | null = null;
    try {
      url = new URL(entry);
    } catch {}
    const exact =
      url !== null &&
      (url.protocol === "http:" || url.protocol === "https:") &&
      url.origin === entry.replace(/\/$/, "");
    if (!exact) {
      throw new Error(
        `${name}: "${entry}" is not an origin (write scheme://host[:port], e.g. https://console.example.com, without path or wildcard)`,
      );
    }
    return url?.origin ?? entry;
  });
}

/**
 * Which browser requests the server answers. A web page of another origin
 * must not be able to use the API with whatever a person's browser can
 * reach (CORS is off unless an origin is listed), and a request addressed to
 * a name that is not the server's (DNS rebinding: a hostile name that
 * resolves to 127.0.0.1) gets nothing. IP addresses are always accepted, as
 * rebinding needs a name; so are "localhost", the machine's host name and
 * the names the program knows it is reached by.
 */
export class BrowserReachPolicy {
  private readonly anyHost: boolean;
  private readonly names: ReadonlySet<string>;
  private readonly domains: readonly string[];
  private readonly origins: ReadonlySet<string>;
  /** The settings to name when a request is refused. */
  readonly settingNames: BrowserReachSettings["settingNames"];

  constructor(settings: BrowserReachSettings, ownNames: readonly string[]) {
    this.settingNames = settings.settingNames;
    this.anyHost = settings.allowedHosts.includes("*");
    const written = settings.allowedHosts.filter((host) => host !== "*");
    this.names = new Set([
      "localhost",
      hostname().toLowerCase(),
      ...ownNames.map((name) => name.toLowerCase()),
      ...written.filter((host) => !host.startsWith(".")),
    ]);
    this.domains = written.filter((host) => host.startsWith("."));
    this.origins = new Set(settings.corsOrigins);
  }

  /** Whether a request addressed to `authority` (`Host` or `:authority`) is for this server. */
  allowsHost(authority: string | undefined): boolean {
    const host = hostOf(authority);
    if (host === null) return false;
    if (this.anyHost || isIP(host) !== 0 || this.names.has(host)) return true;
    return this.domains.some((domain) => host.endsWith(domain) || `.${host}` === domain);
  }

  /** What an `Origin` header means for a request addressed to `authority`. */
  originVerdict(origin: string | undefined, authority: string | undefined): OriginVerdict {
    if (origin === undefined) return "none";
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return "refused";
    }
    if (this.origins.has(url.origin)) return "cors";
    return url.host === (authority ?? "").toLowerCase() ? "same-origin" : "refused";
  }
}

/** The host name of an authority, without port or IPv6 brackets, lower case; null if absent. */
function hostOf(authority: string | undefined): string | null {
  if (authority === undefined || authority === "") return null;
  const lower = authority.toLowerCase();
  if (lower.startsWith("[")) {
    const end = lower.indexOf("]");
    return end === -1 ? null : lower.slice(1, end);
  }
  const colon = lower.lastIndexOf(":");
  const host = colon === -1 ? lower : lower.slice(0, colon);
  return host.endsWith(".") ? host.slice(0, -1) : host;
}
