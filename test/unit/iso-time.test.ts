import { expect } from "chai";
import { isoTime } from "../../src/pager/adapters/postgres/iso-time.js";

describe("isoTime (timestamps bound as JSON text)", () => {
  it("gives the text JSON.stringify would give a Date, and null for none", () => {
    const time = new Date("2026-11-30T17:59:08.123Z");
    expect(isoTime(time)).to.equal(JSON.parse(JSON.stringify(time)));
    expect(isoTime(null)).to.equal(null);
  });

  it("answers each instant with its own text, whatever came before", () => {
    const first = new Date("2026-11-30T17:59:08.123Z");
    const second = new Date("2026-11-30T17:59:08.124Z");
    expect([isoTime(first), isoTime(first), isoTime(second), isoTime(first)]).to.deep.equal([
      "2026-11-30T17:59:08.123Z",
      "2026-11-30T17:59:08.123Z",
      "2026-11-30T17:59:08.124Z",
      "2026-11-30T17:59:08.123Z",
    ]);
  });
});
