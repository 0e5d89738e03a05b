import { permissionDenied } from "../../platform/errors/domain-error.js";
import { parseEndpoint } from "./callback-endpoint.js";

/**
 * The endpoints callbacks may go to. A timer service calls whatever a caller
 * names, at a time of the caller's choosing, from inside the network: without
 * this list it would be a way to reach any host. Entries are exact
 * `host:port` endpoints, no wildcards, so what is allowed is what is written.
 */
export class CallbackAllowlist {
  private readonly endpoints: ReadonlySet<string>;

  constructor(endpoints: Iterable<string>) {
    this.endpoints = new Set([...endpoints].map((e) => parseEndpoint(e, "allow-list entry")));
  }

  /** Parses a comma-separated list, as operators write it in one setting. */
  static parse(text: string): CallbackAllowlist {
    const entries = text
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry !== "");
    return new CallbackAllowlist(entries);
  }

  allows(endpoint: string): boolean {
    return this.endpoints.has(endpoint);
  }

  /** Refuses an endpoint that is not on the list, naming the field and the list's setting. */
  check(endpoint: string, field: string): void {
    if (this.allows(endpoint)) return;
    throw permissionDenied(
      "CALLBACK_ENDPOINT_NOT_ALLOWED",
      field,
      `"${endpoint}" is not on this timer service's callback allow-list (TIMER_CALLBACK_ALLOWLIST)`,
    );
  }

  entries(): string[] {
    return [...this.endpoints];
  }
}
