import { expect } from "chai";
import { readAckTimerSettings } from "../../src/pager/settings/ack-timer-settings.js";
import { readTimerConfig } from "../../src/timer/timer-config.js";

const KEY = "0123456789abcdefghijklmnopqrstuv";
const OTHER_KEY = "vutsrqponmlkjihgfedcba9876543210";
const NO_TLS = { ca: null, cert: null, key: null };

describe("timer settings", () => {
  it("the pager fires timers itself unless PAGER_TIMER_URL names a timer service", () => {
    const dataDir = ".pager-data/postgres";
    expect(readAckTimerSettings({}, dataDir)).to.deep.equal({
      serviceUrl: null,
      callbackEndpoint: null,
      watchdogGraceMs: 60_000,
      apiKey: null,
      callbackKey: null,
      callbackKeyFile: ".pager-data/timer-callback-key",
      toleranceMs: 5000,
      tls: NO_TLS,
    });
    expect(
      readAckTimerSettings(
        {
          PAGER_TIMER_URL: "http://timer.internal:50052/",
          PAGER_TIMER_CALLBACK_URL: "http://pager.internal:50051",
          PAGER_TIMER_WATCHDOG_GRACE_MS: "5000",
          PAGER_TIMER_API_KEY: KEY,
          PAGER_TIMER_CALLBACK_KEY: OTHER_KEY,
          PAGER_TIMER_TOLERANCE_MS: "0",
        },
        dataDir,
      ),
    ).to.deep.equal({
      serviceUrl: "http://timer.internal:50052",
      callbackEndpoint: "pager.internal:50051",
      watchdogGraceMs: 5000,
      apiKey: KEY,
      callbackKey: OTHER_KEY,
      callbackKeyFile: ".pager-data/timer-callback-key",
      toleranceMs: 0,
      tls: NO_TLS,
    });
    const bad: [Record<string, string>, RegExp][] = [
      [{ PAGER_TIMER_CALLBACK_URL: "http://x:1" }, /PAGER_TIMER_URL/],
      [{ PAGER_TIMER_URL: "127.0.0.1:50052", PAGER_TIMER_API_KEY: KEY }, /PAGER_TIMER_URL/],
      [
        { PAGER_TIMER_URL: "http://timer:50052" },
        /PAGER_TIMER_URL needs PAGER_TIMER_API_KEY: .*\.pager-data\/timer-api-keys by default/,
      ],
      [{ PAGER_TIMER_API_KEY: "Not-A-Key" }, /PAGER_TIMER_API_KEY must be 32 lower-case/],
      [{ PAGER_TIMER_CALLBACK_KEY: `${KEY}x` }, /PAGER_TIMER_CALLBACK_KEY must be/],
      [
        {
          PAGER_TIMER_URL: "http://timer:50052",
          PAGER_TIMER_API_KEY: KEY,
          PAGER_TIMER_CA: "/etc/hostname",
        },
        /PAGER_TIMER_CA .* make PAGER_TIMER_URL https:\/\//,
      ],
      [
        {
          PAGER_TIMER_URL: "https://timer:50052",
          PAGER_TIMER_API_KEY: KEY,
          PAGER_TIMER_CA: "/no/such.pem",
        },
        /PAGER_TIMER_CA="\/no\/such.pem" cannot be read \(ENOENT\)/,
      ],
      [
        {
          PAGER_TIMER_URL: "https://timer:50052",
          PAGER_TIMER_API_KEY: KEY,
          PAGER_TIMER_CLIENT_CERT: "/etc/hostname",
        },
        /PAGER_TIMER_CLIENT_CERT set: set PAGER_TIMER_CLIENT_KEY too/,
      ],
    ];
    for (const [env, message] of bad) {
      expect(() => readAckTimerSettings(env, dataDir)).to.throw(message);
      expect(() => readAckTimerSettings(env, dataDir)).not.to.throw(/Not-A-Key/);
    }
  });

  it("the timer service has its own TIMER_* settings, DATABASE_URL only as a fallback", () => {
    const defaults = readTimerConfig({ DATABASE_URL: "postgres://db/pager" });
    expect(defaults).to.include({
      host: "127.0.0.1",
      port: 50052,
      databaseUrl: "postgres://db/pager",
      dataDir: ".pager-data/timer-postgres",
      leaseMs: 15_000,
      callbackDeadlineMs: 5000,
    });
    expect(defaults.allowlist.entries()).to.deep.equal([
      "127.0.0.1:50051/pager.v1.PagerService/HandleAcknowledgementTimeout",
    ]);
    expect(defaults.apiKeys).to.equal(null);
    expect(defaults.apiKeysFile).to.equal(".pager-data/timer-api-keys");
    expect(defaults.callbackTls).to.deep.equal(NO_TLS);
    expect(defaults.tls).to.equal(null);
    const own = readTimerConfig({
      DATABASE_URL: "postgres://db/pager",
      TIMER_DATABASE_URL: "postgres://db/timer",
      TIMER_CALLBACK_ALLOWLIST: "10.0.0.1:50051,pager:50051/pager.v1.PagerService/X",
      TIMER_API_KEYS: ` ${KEY} , ${OTHER_KEY}`,
    });
    expect(own.databaseUrl).to.equal("postgres://db/timer");
    expect(own.allowlist.entries()).to.deep.equal([
      "10.0.0.1:50051",
      "pager:50051/pager.v1.PagerService/X",
    ]);
    expect(own.apiKeys).to.deep.equal([KEY, OTHER_KEY]);
  });

  it("refuses settings it cannot run with, naming the variable", () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ TIMER_PORT: "70000" }, /TIMER_PORT/],
      [{ TIMER_CALLBACK_ALLOWLIST: "" }, /TIMER_CALLBACK_ALLOWLIST.*no endpoint/],
      [{ TIMER_CALLBACK_ALLOWLIST: "https://pager:443" }, /TIMER_CALLBACK_ALLOWLIST/],
      [{ TIMER_LEASE_MS: "5000", TIMER_CALLBACK_DEADLINE_MS: "5000" }, /must be shorter/],
      [{ TIMER_API_KEYS: `${KEY},short` }, /TIMER_API_KEYS: entry 2 must be 32 lower-case/],
      [
        { TIMER_CALLBACK_ALLOWLIST: "pager:1,pager:1/a.B/C" },
        /TIMER_CALLBACK_ALLOWLIST.*both alone/,
      ],
      [
        { TIMER_CALLBACK_CLIENT_CERT: "/etc/hostname", TIMER_CALLBACK_CLIENT_KEY: "/etc/hostname" },
        /TIMER_CALLBACK_CLIENT_CERT needs TIMER_CALLBACK_CA/,
      ],
      [{ TIMER_TLS_CERT: "/etc/hostname" }, /TIMER_TLS_CERT set: set TIMER_TLS_KEY too/],
      [
        { TIMER_TLS_CLIENT_CA: "/etc/hostname" },
        /TIMER_TLS_CLIENT_CA needs TIMER_TLS_CERT and TIMER_TLS_KEY/,
      ],
      [
        { TIMER_TLS_CERT: "/no/cert.pem", TIMER_TLS_KEY: "/etc/hostname" },
        /TIMER_TLS_CERT="\/no\/cert.pem" cannot be read/,
      ],
      [
        { TIMER_MAX_REQUEST_BYTES: "12" },
        /TIMER_MAX_REQUEST_BYTES="12" must be an integer from 1024/,
      ],
    ];
    for (const [env, message] of bad) expect(() => readTimerConfig(env)).to.throw(message);
  });
});
