import { hostname } from "node:os";
import { expect } from "chai";
import { BrowserReachPolicy, readBrowserReach } from "../../src/platform/server/browser-reach.js";

describe("browser reach", () => {
  const policy = new BrowserReachPolicy(
    readBrowserReach(
      {
        PAGER_ALLOWED_HOSTS: "pager.internal, .corp.example.com",
        PAGER_CORS_ORIGINS: "https://console.example.com, http://localhost:5173/",
      },
      "PAGER",
    ),
    ["pager.example.com"],
  );

  it("answers requests addressed to an IP, localhost, its own names and the allowed hosts only", () => {
    for (const authority of [
      "127.0.0.1:50051",
      "[::1]:50051",
      "10.1.2.3",
      "localhost:50051",
      "LOCALHOST.:50051",
      `${hostname()}:50051`,
      "pager.example.com",
      "pager.internal:50051",
      "corp.example.com:1",
      "pager.corp.example.com:50051",
    ]) {
      expect(policy.allowsHost(authority), authority).to.equal(true);
    }
    for (const authority of [
      "attacker.example:50051",
      "pager.internal.attacker.example",
      "evilcorp.example.com",
      "",
      undefined,
    ]) {
      expect(policy.allowsHost(authority), String(authority)).to.equal(false);
    }
    const any = new BrowserReachPolicy(readBrowserReach({ X_ALLOWED_HOSTS: "*" }, "X"), []);
    expect(any.allowsHost("anything.example")).to.equal(true);
  });

  it("judges Origin: none, same origin, a listed CORS origin, or refused", () => {
    expect(policy.originVerdict(undefined, "127.0.0.1:50051")).to.equal("none");
    expect(policy.originVerdict("http://127.0.0.1:50051", "127.0.0.1:50051")).to.equal(
      "same-origin",
    );
    expect(policy.originVerdict("https://console.example.com", "pager.internal")).to.equal("cors");
    expect(policy.originVerdict("http://localhost:5173", "127.0.0.1:50051")).to.equal("cors");
    for (const origin of ["http://attacker.example", "null", "https://console.example.com:444"]) {
      expect(policy.originVerdict(origin, "127.0.0.1:50051"), origin).to.equal("refused");
    }
  });

  it("refuses settings it cannot read exactly, naming the variable", () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ P_ALLOWED_HOSTS: "*,pager.internal" }, /P_ALLOWED_HOSTS: "\*" allows any host/],
      [{ P_ALLOWED_HOSTS: "pager.internal:50051" }, /P_ALLOWED_HOSTS: "pager.internal:50051"/],
      [{ P_ALLOWED_HOSTS: "https://pager.internal" }, /P_ALLOWED_HOSTS/],
      [{ P_CORS_ORIGINS: "*" }, /P_CORS_ORIGINS: "\*" is not an origin/],
      [{ P_CORS_ORIGINS: "https://console.example.com/app" }, /P_CORS_ORIGINS/],
      [{ P_CORS_ORIGINS: "ftp://console.example.com" }, /P_CORS_ORIGINS/],
    ];
    for (const [env, message] of bad) expect(() => readBrowserReach(env, "P")).to.throw(message);
  });
});
