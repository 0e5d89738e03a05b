import { expect } from "chai";
import { type Target, targetKey, validateTarget } from "../../src/pager/domain/target.js";
import {
  NO_INTERNAL_HOSTS,
  parseWebhookHostRule,
  type WebhookHostRule,
} from "../../src/pager/domain/webhook-hosts.js";
import { DomainError } from "../../src/platform/errors/domain-error.js";

const FIELD = "levels[0].targets[1]";
/** An operator's allow-list: one internal receiver by name, one subnet, loopback's 127.0.0.1. */
const ALLOWED = parseWebhookHostRule([
  "hooks.internal",
  "10.20.0.0/16",
  "127.0.0.1",
]) as WebhookHostRule;

describe("targets: validation and identity", () => {
  const valid: {
    name: string;
    input: Target;
    stored: Target;
    key: string;
    hosts?: WebhookHostRule;
  }[] = [
    {
      name: "an email address, trimmed; its key ignores case",
      input: { kind: "email", address: "  Ana@Example.COM " },
      stored: { kind: "email", address: "Ana@Example.COM" },
      key: "email:ana@example.com",
    },
    {
      name: "an E.164 number, trimmed",
      input: { kind: "sms", phoneNumber: " +14155550123" },
      stored: { kind: "sms", phoneNumber: "+14155550123" },
      key: "sms:+14155550123",
    },
    {
      name: "the shortest E.164 number",
      input: { kind: "sms", phoneNumber: "+12" },
      stored: { kind: "sms", phoneNumber: "+12" },
      key: "sms:+12",
    },
    {
      name: "an https webhook, trimmed; its key keeps case (paths are case-sensitive)",
      input: { kind: "webhook", url: " https://hooks.example.com/Pager?x=1 " },
      stored: { kind: "webhook", url: "https://hooks.example.com/Pager?x=1" },
      key: "webhook:https://hooks.example.com/Pager?x=1",
    },
    {
      name: "an http webhook on a port of an allowed loopback address",
      input: { kind: "webhook", url: "http://127.0.0.1:8080/hook" },
      stored: { kind: "webhook", url: "http://127.0.0.1:8080/hook" },
      key: "webhook:http://127.0.0.1:8080/hook",
      hosts: ALLOWED,
    },
    {
      name: "a webhook in an allowed subnet",
      input: { kind: "webhook", url: "http://10.20.3.4/hook" },
      stored: { kind: "webhook", url: "http://10.20.3.4/hook" },
      key: "webhook:http://10.20.3.4/hook",
      hosts: ALLOWED,
    },
    {
      name: "a webhook to an allowed internal name",
      input: { kind: "webhook", url: "https://hooks.internal/p" },
      stored: { kind: "webhook", url: "https://hooks.internal/p" },
      key: "webhook:https://hooks.internal/p",
      hosts: ALLOWED,
    },
    {
      name: "a public address",
      input: { kind: "webhook", url: "http://93.184.216.34/hook" },
      stored: { kind: "webhook", url: "http://93.184.216.34/hook" },
      key: "webhook:http://93.184.216.34/hook",
    },
    {
      name: "an address just outside the private 172.16.0.0/12",
      input: { kind: "webhook", url: "http://172.32.0.1/hook" },
      stored: { kind: "webhook", url: "http://172.32.0.1/hook" },
      key: "webhook:http://172.32.0.1/hook",
    },
  ];
  for (const row of valid) {
    it(`accepts ${row.name}`, () => {
      const stored = validateTarget(row.input, FIELD, row.hosts ?? NO_INTERNAL_HOSTS);
      expect(stored).to.deep.equal(row.stored);
      expect(targetKey(stored)).to.equal(row.key);
    });
  }

  const invalid: { name: string; input: Target; field: string; problem: RegExp }[] = [
    {
      name: "an address without @",
      input: { kind: "email", address: "ana.example.com" },
      field: "email.address",
      problem: /is not an email address/,
    },
    {
      name: "an address without a domain dot",
      input: { kind: "email", address: "ana@localhost" },
      field: "email.address",
      problem: /expected name@domain\.tld/,
    },
    {
      name: "an address with a space inside",
      input: { kind: "email", address: "ana maria@example.com" },
      field: "email.address",
      problem: /is not an email address/,
    },
    {
      name: "an empty address",
      input: { kind: "email", address: "" },
      field: "email.address",
      problem: /is not an email address/,
    },
    {
      name: "an address over 254 bytes",
      input: { kind: "email", address: `${"a".repeat(243)}@example.com` },
      field: "email.address",
      problem: /at most 254 bytes in UTF-8/,
    },
    {
      name: "an address of 100 CJK characters (300 bytes)",
      input: { kind: "email", address: `${"郵".repeat(100)}@example.com` },
      field: "email.address",
      problem: /at most 254 bytes in UTF-8/,
    },
    {
      name: "an address with a NUL",
      input: { kind: "email", address: "ana\u0000@example.com" },
      field: "email.address",
      problem: /must not contain control characters/,
    },
    {
      name: "a national number",
      input: { kind: "sms", phoneNumber: "0612345678" },
      field: "sms.phone_number",
      problem: /is not an E\.164 phone number/,
    },
    {
      name: "a number with spaces",
      input: { kind: "sms", phoneNumber: "+1 415 555 0123" },
      field: "sms.phone_number",
      problem: /e\.g\. \+14155550123/,
    },
    {
      name: "a number with a leading zero",
      input: { kind: "sms", phoneNumber: "+0412345678" },
      field: "sms.phone_number",
      problem: /E\.164/,
    },
    {
      name: "a number of 16 digits",
      input: { kind: "sms", phoneNumber: "+1234567890123456" },
      field: "sms.phone_number",
      problem: /2 to 15 digits/,
    },
    {
      name: "a relative URL",
      input: { kind: "webhook", url: "/hook" },
      field: "webhook.url",
      problem: /is not an absolute http or https URL/,
    },
    {
      name: "another scheme",
      input: { kind: "webhook", url: "ftp://example.com/hook" },
      field: "webhook.url",
      problem: /http or https/,
    },
    {
      name: "a URL over 2048 bytes",
      input: { kind: "webhook", url: `https://example.com/${"a".repeat(2048)}` },
      field: "webhook.url",
      problem: /at most 2048 bytes in UTF-8/,
    },
    {
      name: "a URL of 2,000 CJK characters, which no index key could hold",
      input: { kind: "webhook", url: `https://example.com/${"鉤".repeat(2000)}` },
      field: "webhook.url",
      problem: /at most 2048 bytes in UTF-8/,
    },
    {
      name: "a URL with a NUL in its path",
      input: { kind: "webhook", url: "https://example.com/a\u0000b" },
      field: "webhook.url",
      problem: /must not contain control characters/,
    },
  ];
  const internal: [string, RegExp][] = [
    ["http://127.0.0.1:8080/hook", /127\.0\.0\.1 is a loopback address/],
    ["http://127.1.2.3/", /loopback/],
    ["http://0x7f.1/", /127\.0\.0\.1 is a loopback address/],
    ["http://2130706433/", /127\.0\.0\.1 is a loopback address/],
    ["http://[::1]/", /\[::1\] is a loopback address/],
    ["http://localhost:9000/", /localhost is a loopback name/],
    ["http://api.localhost/", /loopback name/],
    ["http://169.254.169.254/latest/meta-data/", /169\.254\.169\.254 is a link-local address/],
    ["http://[fe80::1]/", /link-local/],
    ["http://10.0.0.5/", /10\.0\.0\.5 is a private address/],
    ["http://172.16.0.1/", /private/],
    ["http://172.31.255.255/", /private/],
    ["http://192.168.1.1/", /private/],
    ["http://[fd00::1]/", /unique-local/],
    ["http://[::ffff:127.0.0.1]/", /an IPv4-mapped address/],
    ["http://[::ffff:8.8.8.8]/", /an IPv4-mapped address/],
    ["http://0.0.0.0/", /an unspecified address/],
    ["http://[::]/", /an unspecified address/],
  ];
  for (const [url, problem] of internal) {
    it(`refuses a webhook to ${url} unless allowed, naming the field and the setting`, () => {
      const error = refused({ kind: "webhook", url });
      expect(error.field).to.equal(`${FIELD}.webhook.url`);
      expect(error.message)
        .to.match(problem)
        .and.match(/PAGER_WEBHOOK_ALLOWED_HOSTS/);
    });
  }

  it("refuses user names and passwords in webhook URLs, even to allowed hosts", () => {
    for (const url of ["https://user:pw@hooks.example.com/p", "https://user@hooks.internal/p"]) {
      let error: unknown;
      try {
        validateTarget({ kind: "webhook", url }, FIELD, ALLOWED);
      } catch (caught) {
        error = caught;
      }
      expect(error, url).to.be.instanceOf(DomainError);
      expect((error as Error).message).to.match(/must not carry a user name or password/);
    }
  });

  function refused(input: Target): DomainError {
    try {
      validateTarget(input, FIELD, NO_INTERNAL_HOSTS);
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error(`${JSON.stringify(input)} was accepted`);
  }

  for (const row of invalid) {
    it(`refuses ${row.name}, naming the field`, () => {
      let error: unknown;
      try {
        validateTarget(row.input, FIELD, NO_INTERNAL_HOSTS);
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(DomainError);
      expect(error).to.include({ kind: "invalid-argument", field: `${FIELD}.${row.field}` });
      expect((error as Error).message).to.match(row.problem);
      expect((error as Error).message.startsWith(`${FIELD}.${row.field}: `)).to.equal(true);
    });
  }

  it("keys tell the channels apart: the same text on two channels is two targets", () => {
    const keys = [
      targetKey({ kind: "email", address: "x@example.com" }),
      targetKey({ kind: "webhook", url: "x@example.com" }),
      targetKey({ kind: "sms", phoneNumber: "x@example.com" }),
    ];
    expect(new Set(keys).size).to.equal(3);
  });
});
