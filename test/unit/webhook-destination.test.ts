import type { LookupAddress } from "node:dns";
import { expect } from "chai";
import {
  BlockedDestination,
  guardedLookup,
  type Resolver,
} from "../../src/pager/adapters/channels/webhook-destination.js";
import {
  NO_INTERNAL_HOSTS,
  parseWebhookHostRule,
  type WebhookHostRule,
} from "../../src/pager/domain/webhook-hosts.js";

/** A resolver that knows a few names, as a DNS server under someone else's control might. */
const ZONE: Record<string, LookupAddress[]> = {
  "hooks.test": [{ address: "127.0.0.1", family: 4 }],
  "metadata.test": [{ address: "169.254.169.254", family: 4 }],
  "mixed.test": [
    { address: "93.184.216.34", family: 4 },
    { address: "10.0.0.7", family: 4 },
  ],
  "mapped.test": [{ address: "::ffff:127.0.0.1", family: 6 }],
  "public.test": [
    { address: "93.184.216.34", family: 4 },
    { address: "2606:2800:220:1:248:1893:25c8:1946", family: 6 },
  ],
  "hooks.internal": [{ address: "10.9.8.7", family: 4 }],
};
const resolver: Resolver = (hostname, callback) => callback(null, ZONE[hostname] ?? []);

function lookUp(hostname: string, rule: WebhookHostRule, all = false) {
  return new Promise<{ error: Error | null; address: unknown; family?: number }>((resolve) =>
    guardedLookup(rule, resolver)(hostname, { all }, (error, address, family) =>
      resolve({ error, address, family }),
    ),
  );
}

describe("webhook destinations: judged again after DNS, at connect time", () => {
  it("refuses a name that resolves to loopback, link-local or private, naming both", async () => {
    const cases: [string, RegExp][] = [
      ["hooks.test", /hooks\.test resolves to 127\.0\.0\.1, a loopback address/],
      ["metadata.test", /169\.254\.169\.254, a link-local address/],
      ["mixed.test", /mixed\.test resolves to 10\.0\.0\.7, a private address/],
      ["mapped.test", /::ffff:127\.0\.0\.1, an IPv4-mapped address/],
    ];
    for (const [name, problem] of cases) {
      const { error } = await lookUp(name, NO_INTERNAL_HOSTS);
      expect(error, name).to.be.instanceOf(BlockedDestination);
      expect(error?.message)
        .to.match(problem)
        .and.match(/PAGER_WEBHOOK_ALLOWED_HOSTS/);
    }
  });

  it("with the system resolver: localhost, looked up for real, is refused", async () => {
    const { error } = await new Promise<{ error: Error | null }>((resolve) =>
      guardedLookup(NO_INTERNAL_HOSTS)("localhost", { all: true }, (err) =>
        resolve({ error: err }),
      ),
    );
    expect(error).to.be.instanceOf(BlockedDestination);
    expect(error?.message).to.match(
      /^refused to connect: localhost resolves to (127\.0\.0\.1|::1), a loopback address/,
    );
  });

  it("answers public names as node:dns would, one address or all of them", async () => {
    expect(await lookUp("public.test", NO_INTERNAL_HOSTS)).to.deep.equal({
      error: null,
      address: "93.184.216.34",
      family: 4,
    });
    const all = await lookUp("public.test", NO_INTERNAL_HOSTS, true);
    expect(all.error).to.equal(null);
    expect(all.address).to.deep.equal(ZONE["public.test"]);
  });

  it("lets through what the operator allowed: a name whatever it resolves to, a block, mapped addresses of it", async () => {
    const rule = parseWebhookHostRule(["hooks.internal", "127.0.0.0/8"]) as WebhookHostRule;
    expect((await lookUp("hooks.internal", rule)).address).to.equal("10.9.8.7");
    expect((await lookUp("hooks.test", rule)).address).to.equal("127.0.0.1");
    expect((await lookUp("mapped.test", rule)).address).to.equal("::ffff:127.0.0.1");
    expect((await lookUp("mixed.test", rule)).error).to.be.instanceOf(BlockedDestination);
  });

  it("reads allow-lists of names, domains, addresses and blocks; refuses anything else", () => {
    expect(parseWebhookHostRule(["Hooks.Internal", ".corp.example.com", "[::1]", "fd00::/8"]))
      .to.have.property("names")
      .that.deep.equals(["hooks.internal", ".corp.example.com"]);
    for (const bad of ["10.0.0.0/33", "http://hooks.internal", "hooks internal", "*.example.com"]) {
      expect(parseWebhookHostRule([bad]), bad).to.equal(null);
    }
  });
});
