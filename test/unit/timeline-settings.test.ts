import { expect } from "chai";
import { readTimelineSettings } from "../../src/pager/settings/timeline-settings.js";

describe("timeline settings", () => {
  it("links last a day and sign with a kept key unless told otherwise; watches are bounded", () => {
    expect(readTimelineSettings({})).to.deep.equal({
      ackLinkSecret: null,
      ackLinkLifetimeMs: 86_400_000,
      maxWatches: 1000,
      watchPollMs: 200,
    });
    const secret = "0123456789abcdef0123456789abcdef";
    expect(
      readTimelineSettings({
        PAGER_ACK_LINK_SECRET: secret,
        PAGER_ACK_LINK_TTL_MS: "3600000",
        PAGER_MAX_WATCHES: "5",
        PAGER_WATCH_POLL_MS: "50",
      }),
    ).to.deep.equal({
      ackLinkSecret: secret,
      ackLinkLifetimeMs: 3_600_000,
      maxWatches: 5,
      watchPollMs: 50,
    });
  });

  it("refuses a short secret and out-of-range numbers, naming the variable", () => {
    expect(() => readTimelineSettings({ PAGER_ACK_LINK_SECRET: "short" })).to.throw(
      /^PAGER_ACK_LINK_SECRET must be at least 32 characters/,
    );
    expect(() => readTimelineSettings({ PAGER_ACK_LINK_TTL_MS: "1000" })).to.throw(
      /PAGER_ACK_LINK_TTL_MS/,
    );
    expect(() => readTimelineSettings({ PAGER_MAX_WATCHES: "0" })).to.throw(/PAGER_MAX_WATCHES/);
    expect(() => readTimelineSettings({ PAGER_WATCH_POLL_MS: "5" })).to.throw(
      /PAGER_WATCH_POLL_MS/,
    );
  });
});
