import { expect } from "chai";
import {
  type ApiKey,
  type ApiKeyRole,
  INVALID_API_KEY_MESSAGE,
  isUsable,
  type NewApiKeyInput,
  newApiKey,
  revokeApiKey,
} from "../../src/pager/domain/api-key.js";
import { acknowledgerOf } from "../../src/pager/domain/escalation.js";
import { authorize, type KeyAccessRule } from "../../src/pager/domain/key-access.js";
import { discloseTarget, redactUrl } from "../../src/pager/domain/target-disclosure.js";
import { generateSecret, SECRET_PATTERN } from "../../src/platform/secrets/random-secret.js";
import { refusal } from "../support/refusal.js";

const NOW = new Date("2026-01-01T00:00:00Z");
const SERVICE = "0190b6c4-0000-7000-8000-000000000003";
const OTHER_SERVICE = "0190b6c4-0000-7000-8000-000000000004";
const input: NewApiKeyInput = {
  name: "alertmanager-prod",
  role: "integration",
  monitoredServiceId: "",
  expireTime: null,
  rateLimit: null,
};
const made = { id: "0190b6c4-0000-7000-8000-000000000001", secretSuffix: "wxyz", now: NOW };

function keyWith(role: ApiKeyRole, monitoredServiceId = ""): ApiKey {
  return newApiKey({ ...input, name: `${role}-key`, role, monitoredServiceId }, made);
}

describe("API key rules", () => {
  it("secrets are 32 lower-case letters and digits, drawn afresh each time", () => {
    const secrets = Array.from({ length: 200 }, generateSecret);
    for (const secret of secrets) expect(secret).to.match(SECRET_PATTERN);
    expect(new Set(secrets).size).to.equal(200);
    const seen = new Set(secrets.join(""));
    expect(seen.size, "every letter and digit appears").to.equal(36);
  });

  it("a new key is checked field by field; a binding is for integration keys only", () => {
    const key = newApiKey(
      {
        ...input,
        monitoredServiceId: SERVICE.toUpperCase(),
        rateLimit: { requestsPerSecond: 5, burst: 0 },
      },
      made,
    );
    expect(key).to.include({ monitoredServiceId: SERVICE, revokeTime: null, secretSuffix: "wxyz" });
    expect(key.rateLimit, "a burst of 0 is the rate").to.deep.equal({
      requestsPerSecond: 5,
      burst: 5,
    });
    const cases: [Partial<NewApiKeyInput>, string][] = [
      [{ name: " " }, "name"],
      [{ name: "x".repeat(201) }, "name"],
      [{ role: null }, "role"],
      [{ role: "viewer", monitoredServiceId: SERVICE }, "monitored_service_id"],
      [{ monitoredServiceId: "not-an-id" }, "monitored_service_id"],
      [{ expireTime: NOW }, "expire_time"],
      [{ rateLimit: { requestsPerSecond: 0, burst: 0 } }, "rate_limit.requests_per_second"],
      [{ rateLimit: { requestsPerSecond: 10, burst: 9 } }, "rate_limit.burst"],
    ];
    for (const [change, field] of cases) {
      const error = refusal(() => newApiKey({ ...input, ...change }, made));
      expect(error, field).to.include({ kind: "invalid-argument", field });
    }
  });

  it("a key works until it is revoked or expires; revoking twice keeps the first time", () => {
    const key = newApiKey({ ...input, expireTime: new Date(NOW.getTime() + 1000) }, made);
    expect(isUsable(key, NOW)).to.equal(true);
    expect(isUsable(key, new Date(NOW.getTime() + 1000)), "at the expiry instant").to.equal(false);
    const revoked = revokeApiKey(key, NOW);
    expect(isUsable(revoked, NOW)).to.equal(false);
    expect(revokeApiKey(revoked, new Date(NOW.getTime() + 5)).revokeTime).to.deep.equal(NOW);
    expect(INVALID_API_KEY_MESSAGE).to.not.match(/revoked key|expired key|unknown key/i);
  });

  it("roles: refused with PERMISSION_DENIED naming the roles the method needs", () => {
    const rule: KeyAccessRule = { roles: ["admin", "responder"] };
    authorize(keyWith("responder"), "pager.v1.PagerService/AcknowledgeAlert", rule, null);
    const error = refusal(() =>
      authorize(keyWith("viewer"), "pager.v1.PagerService/AcknowledgeAlert", rule, null),
    );
    expect(error.kind).to.equal("permission-denied");
    expect(error.message).to.equal(
      'the API key "viewer-key" has the role viewer; pager.v1.PagerService/AcknowledgeAlert needs the role admin or responder',
    );
  });

  it("integration keys act on a monitored service by its id, and a bound key on its own service only", () => {
    const scoped: KeyAccessRule = { roles: ["admin", "integration"], serviceScoped: true };
    authorize(keyWith("integration"), "m", scoped, OTHER_SERVICE);
    authorize(keyWith("integration", SERVICE), "m", scoped, SERVICE.toUpperCase());
    const bound = refusal(() =>
      authorize(keyWith("integration", SERVICE), "m", scoped, OTHER_SERVICE),
    );
    expect(bound).to.include({ kind: "permission-denied", field: "monitored_service_id" });
    expect(bound.message).to.include(SERVICE);
    const byAlert = refusal(() => authorize(keyWith("integration"), "m", scoped, null));
    expect(byAlert.message).to.include("monitored_service_id");
    authorize(keyWith("admin"), "m", scoped, null);
    authorize(keyWith("integration", SERVICE), "m", { roles: ["integration"] }, null);
    authorize(keyWith("admin", ""), "m", scoped, OTHER_SERVICE);
  });

  it("webhook URLs are whole for admin keys only: others see scheme://host/…", () => {
    const url = "https://user:pw@hooks.example.com:8443/services/T000/B000/XXXX?token=secret#x";
    expect(redactUrl(url)).to.equal("https://hooks.example.com:8443/…");
    const webhook = { kind: "webhook", url } as const;
    expect(discloseTarget(webhook, "admin")).to.equal(webhook);
    for (const role of ["responder", "viewer", "integration", "timer", null] as const) {
      expect(discloseTarget(webhook, role)).to.deep.equal({
        kind: "webhook",
        url: "https://hooks.example.com:8443/…",
      });
    }
    const email = { kind: "email", address: "oncall@example.com" } as const;
    expect(discloseTarget(email, "viewer")).to.equal(email);
  });

  it("an acknowledgement without a name is the caller's, by its key's name", () => {
    const actor = { kind: "api-key", apiKeyId: made.id, name: "ana's laptop" } as const;
    expect(acknowledgerOf("", actor)).to.equal("ana's laptop");
    expect(acknowledgerOf("  ", actor)).to.equal("ana's laptop");
    expect(acknowledgerOf(" bob ", actor)).to.equal("bob");
  });
});
