import { invalidArgument, permissionDenied } from "../../platform/errors/domain-error.js";
import { quoted } from "../../platform/errors/quoted.js";
import { parseEndpoint } from "./callback-endpoint.js";
import { parseMethod } from "./callback-method.js";

/** The methods one endpoint may be called on: some, or any. */
type Methods = ReadonlySet<string> | "any";

/**
 * The calls callbacks may make. A timer service calls whatever a caller
 * names, at a time of the caller's choosing, from inside the network, with
 * whatever credential the caller handed it: without this list it would be a
 * way to reach any host and method. An entry names an endpoint and a method,
 * `host:port/package.Service/Method`; a plain `host:port` allows every
 * method of that endpoint. No wildcards in names, so what is allowed is what
 * is written, and an endpoint listed both ways is refused as ambiguous.
 */
export class CallbackAllowlist {
  private readonly rules: ReadonlyMap<string, Methods>;

  constructor(entries: Iterable<string>) {
    const rules = new Map<string, Methods>();
    for (const entry of entries) {
      const slash = entry.indexOf("/");
      const endpoint = parseEndpoint(
        slash === -1 ? entry : entry.slice(0, slash),
        "allow-list entry",
      );
      const method =
        slash === -1 ? null : parseMethod(entry.slice(slash + 1).trim(), "allow-list entry");
      const known = rules.get(endpoint);
      if (known !== undefined && (known === "any") !== (method === null)) {
        throw invalidArgument(
          "allow-list entry",
          `"${endpoint}" is listed both alone (every method) and with a method; list it one way`,
        );
      }
      rules.set(
        endpoint,
        method === null
          ? "any"
          : new Set([...(known === undefined || known === "any" ? [] : known), method]),
      );
    }
    this.rules = rules;
  }

  /** Parses a comma-separated list, as operators write it in one setting. */
  static parse(text: string): CallbackAllowlist {
    const entries = text
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry !== "");
    return new CallbackAllowlist(entries);
  }

  allows(endpoint: string, method: string): boolean {
    const methods = this.rules.get(endpoint);
    return methods === "any" || (methods?.has(method) ?? false);
  }

  /** Refuses a call that is not on the list, naming the field and the list's setting. */
  check(endpoint: string, method: string, field: string): void {
    if (this.allows(endpoint, method)) return;
    throw permissionDenied(
      "CALLBACK_ENDPOINT_NOT_ALLOWED",
      field,
      `${quoted(`${endpoint}/${method}`)} is not on this timer service's callback allow-list (TIMER_CALLBACK_ALLOWLIST)`,
    );
  }

  /** The entries, normalised: `host:port` (every method) or `host:port/package.Service/Method`. */
  entries(): string[] {
    return [...this.rules].flatMap(([endpoint, methods]) =>
      methods === "any" ? [endpoint] : [...methods].map((method) => `${endpoint}/${method}`),
    );
  }
}
