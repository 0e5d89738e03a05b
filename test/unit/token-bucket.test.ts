import { expect } from "chai";
import type { RateLimit } from "../../src/pager/domain/api-key.js";
import { type TokenBucket, takeToken } from "../../src/pager/domain/token-bucket.js";
import { readConfig } from "../../src/pager/settings/pager-config.js";

/** Takes `count` tokens at the given times; returns how many were refused. */
function refusedAt(limit: RateLimit, times: readonly number[]): number {
  let bucket: TokenBucket | undefined;
  let refused = 0;
  for (const at of times) {
    const decision = takeToken(bucket, limit, at);
    bucket = decision.bucket;
    if (decision.retryAfterMs !== null) refused += 1;
  }
  return refused;
}

describe("token bucket", () => {
  it("a full bucket lets a burst through, then the steady rate, and says when to retry", () => {
    const limit = { requestsPerSecond: 2, burst: 3 };
    let bucket: TokenBucket | undefined;
    const at = (ms: number) => {
      const decision = takeToken(bucket, limit, ms);
      bucket = decision.bucket;
      return decision.retryAfterMs;
    };
    expect([at(0), at(0), at(0)]).to.deep.equal([null, null, null]);
    expect(at(0), "one token comes back after half a second").to.equal(500);
    expect(at(200)).to.equal(300);
    expect(at(500)).to.equal(null);
    expect(at(10_000), "a quiet spell refills to the burst, no more").to.equal(null);
    expect([at(10_000), at(10_000), at(10_000)]).to.deep.equal([null, null, 500]);
  });

  it("at the server's defaults, a 10,000-alert storm through one key is not throttled", () => {
    const { defaultRateLimit } = readConfig({}).auth;
    expect(defaultRateLimit).to.deep.equal({ requestsPerSecond: 2000, burst: 10_000 });
    const atThousandPerSecond = Array.from({ length: 10_000 }, (_, i) => i);
    expect(refusedAt(defaultRateLimit, atThousandPerSecond)).to.equal(0);
    const allAtOnce = Array.from({ length: 10_000 }, () => 0);
    expect(refusedAt(defaultRateLimit, allAtOnce)).to.equal(0);
    const runaway = Array.from({ length: 40_000 }, (_, i) => i / 4); // 4,000 calls a second
    expect(refusedAt(defaultRateLimit, runaway), "a runaway client is held back").to.be.above(
      10_000,
    );
  });

  it("rate limit settings: burst at least the rate, values named when wrong", () => {
    expect(
      readConfig({ PAGER_RATE_LIMIT_PER_SECOND: "50000" }).auth.defaultRateLimit,
    ).to.deep.equal({
      requestsPerSecond: 50_000,
      burst: 50_000,
    });
    expect(() =>
      readConfig({ PAGER_RATE_LIMIT_PER_SECOND: "100", PAGER_RATE_LIMIT_BURST: "99" }),
    ).to.throw(/PAGER_RATE_LIMIT_BURST=99 must be at least PAGER_RATE_LIMIT_PER_SECOND=100/);
    expect(() => readConfig({ PAGER_RATE_LIMIT_PER_SECOND: "0" })).to.throw(
      /PAGER_RATE_LIMIT_PER_SECOND/,
    );
    expect(() => readConfig({ PAGER_ADMIN_KEY: "Hunter2-hunter2" })).to.throw(
      /PAGER_ADMIN_KEY must be 32 lower-case letters and digits/,
    );
    expect(() => readConfig({ PAGER_ADMIN_KEY: "Hunter2-hunter2" })).not.to.throw(/Hunter2/);
  });
});
