import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { LookupFunction } from "node:net";
import {
  resolvedAddressProblem,
  type WebhookHostRule,
  webhookHostProblem,
} from "../../domain/webhook-hosts.js";

/**
 * A webhook destination the pager refuses to connect to; the page fails at
 * once, since sending it again would be refused again.
 */
export class BlockedDestination extends Error {
  constructor(problem: string) {
    super(
      `refused to connect: ${problem} (an operator may allow it with PAGER_WEBHOOK_ALLOWED_HOSTS)`,
    );
    this.name = "BlockedDestination";
  }
}

/** Resolves a host name as node:dns `lookup` does; replaceable in tests. */
export type Resolver = (
  hostname: string,
  callback: (error: Error | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: Resolver = (hostname, callback) =>
  dnsLookup(hostname, { all: true }, (error, addresses) => callback(error, addresses ?? []));

/**
 * The `lookup` of the webhook agents: every address a name resolves to is
 * judged when the connection is made, so a name that points (or is
 * re-pointed) at the pager's own network is refused however the policy
 * looked when it was written. One internal address among public ones is
 * enough to refuse: the connection could take any of them.
 */
export function guardedLookup(rule: WebhookHostRule, resolve: Resolver = systemResolver) {
  const lookup = (
    hostname: string,
    options: LookupOptions,
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    resolve(hostname, (error, found) => {
      if (error !== null) return callback(error, []);
      const wanted = found.filter((a) => !options.family || a.family === options.family);
      for (const { address } of wanted) {
        const problem = resolvedAddressProblem(hostname, address, rule);
        if (problem !== null) return callback(new BlockedDestination(problem), []);
      }
      const first = wanted[0];
      if (first === undefined) {
        return callback(
          Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }),
          [],
        );
      }
      if (options.all) return callback(null, wanted);
      return callback(null, first.address, first.family);
    });
  };
  return lookup as unknown as LookupFunction;
}

/** Kept-open agents whose connections go only where `rule` lets webhooks go. */
export function guardedAgents(rule: WebhookHostRule, resolve?: Resolver) {
  const lookup = guardedLookup(rule, resolve);
  return {
    "http:": new HttpAgent({ keepAlive: true, lookup }),
    "https:": new HttpsAgent({ keepAlive: true, lookup }),
  };
}

/**
 * Refuses, before any connection, a URL whose host is an address (which no
 * lookup sees) or a loopback name that `rule` does not allow: policies
 * written before a rule changed are held to the rule in force.
 */
export function checkDestination(url: URL, rule: WebhookHostRule): void {
  const problem = webhookHostProblem(url.hostname, rule);
  if (problem !== null) throw new BlockedDestination(problem);
}
