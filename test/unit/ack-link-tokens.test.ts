import { expect } from "chai";
import sinon from "sinon";
import { HmacAckLinkTokens } from "../../src/pager/adapters/system/hmac-ack-link-tokens.js";
import { DomainError } from "../../src/platform/errors/domain-error.js";

const KEY = Buffer.from("k".repeat(32));
const PAGE = "0190b6c4-1234-7abc-8def-0123456789ab";
const OTHER_PAGE = "0190b6c4-1234-7abc-8def-0123456789ac";
const HOUR = 3_600_000;

/** Links signed now, checked later: time is sinon's, so expiry is exact. */
describe("acknowledgement-link tokens (fake time)", () => {
  let time: sinon.SinonFakeTimers;
  const clock = { now: () => new Date() };
  beforeEach(() => {
    time = sinon.useFakeTimers({ now: new Date("2026-11-27T03:00:00Z"), toFake: ["Date"] });
  });
  afterEach(() => time.restore());

  function refusal(tokens: HmacAckLinkTokens, token: string): DomainError {
    try {
      tokens.verify(token);
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error("the token was accepted");
  }

  it("a token names its page and expires after the lifetime, to the second", () => {
    const tokens = new HmacAckLinkTokens(KEY, 24 * HOUR, clock);
    const { token, expireTime } = tokens.issue(PAGE);
    expect(token).to.match(/^[A-Za-z0-9_-]{50}$/);
    expect(expireTime).to.deep.equal(new Date("2026-11-28T03:00:00Z"));
    time.tick(24 * HOUR - 1000);
    expect(tokens.verify(token)).to.deep.equal({ notificationId: PAGE, expireTime });
    time.tick(1000);
    const expired = refusal(tokens, token);
    expect(expired).to.include({ kind: "unauthenticated", reason: "ACK_LINK_EXPIRED" });
    expect(expired.message).to.match(/expired at 2026-11-28T03:00:00\.000Z/);
  });

  it("each page gets its own token; a token cannot be re-pointed, altered or extended", () => {
    const tokens = new HmacAckLinkTokens(KEY, HOUR, clock);
    const mine = tokens.issue(PAGE).token;
    const theirs = tokens.issue(OTHER_PAGE).token;
    expect(mine).to.not.equal(theirs);
    const bytes = Buffer.from(mine, "base64url");
    const repointed = Buffer.from(bytes);
    Buffer.from(OTHER_PAGE.replaceAll("-", ""), "hex").copy(repointed, 1);
    const extended = Buffer.from(bytes);
    extended.writeUInt32BE(extended.readUInt32BE(17) + 86_400, 17);
    const flipped = Buffer.from(bytes);
    flipped[36] = (flipped[36] ?? 0) ^ 1;
    for (const forged of [repointed, extended, flipped]) {
      expect(refusal(tokens, forged.toString("base64url"))).to.include({
        kind: "unauthenticated",
        reason: "ACK_LINK_INVALID",
      });
    }
  });

  it("refuses what no pager made, with the same message whatever is wrong", () => {
    const tokens = new HmacAckLinkTokens(KEY, HOUR, clock);
    const genuine = tokens.issue(PAGE).token;
    const otherKey = new HmacAckLinkTokens(Buffer.from("o".repeat(32)), HOUR, clock);
    const samples = [
      otherKey.issue(PAGE).token,
      `${genuine}A`,
      genuine.slice(0, -1),
      `${genuine.slice(0, 10)}*${genuine.slice(11)}`,
      "",
      "../../etc/passwd",
    ];
    const messages = new Set(samples.map((token) => refusal(tokens, token).message));
    expect([...messages]).to.have.length(1);
    expect([...messages][0]).to.match(/^token: this acknowledgement link is not valid/);
  });

  it("another replica with the same key verifies what one issued", () => {
    const issuer = new HmacAckLinkTokens(KEY, HOUR, clock);
    const verifier = new HmacAckLinkTokens(Buffer.from(KEY), 5 * HOUR, clock);
    const { token, expireTime } = issuer.issue(PAGE);
    expect(verifier.verify(token)).to.deep.equal({ notificationId: PAGE, expireTime });
  });
});
