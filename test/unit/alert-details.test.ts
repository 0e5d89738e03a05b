import { expect } from "chai";
import {
  cleanText,
  cut,
  fitDetails,
  LEFT_OUT_KEY,
  validateDedupKey,
  validateDetails,
} from "../../src/pager/domain/alert-details.js";
import { characterCount } from "../../src/pager/domain/text-field.js";
import { refusal } from "../support/refusal.js";

const entries = (n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]));

describe("alert details and dedup keys", () => {
  it("counts characters as code points, as PagerDuty counts its limits", () => {
    expect(characterCount("abc")).to.equal(3);
    expect(characterCount("🔥é")).to.equal(2);
    expect("🔥".length).to.equal(2);
  });

  describe("validateDetails (SendAlert refuses what does not fit)", () => {
    const accepted: { name: string; details: Record<string, string> }[] = [
      { name: "none", details: {} },
      { name: "64 entries", details: entries(64) },
      { name: "a 64-character key", details: { ["k".repeat(64)]: "v" } },
      { name: "a 1024-character value of emoji", details: { k: "🔥".repeat(1024) } },
      { name: "tabs and line breaks in a value", details: { trace: "a\tb\r\nc" } },
      { name: "an empty value", details: { k: "" } },
    ];
    for (const { name, details } of accepted) {
      it(`accepts ${name}`, () => {
        expect(validateDetails(details)).to.deep.equal(details);
      });
    }

    const refused: { name: string; details: Record<string, string>; message: string }[] = [
      {
        name: "65 entries",
        details: entries(65),
        message: "details: has 65 entries; at most 64 are allowed",
      },
      {
        name: "a 65-character key",
        details: { ["k".repeat(65)]: "v" },
        message: `details["${"k".repeat(39)}…"]: key must be at most 64 characters`,
      },
      {
        name: "a 1025-character value",
        details: { big: "x".repeat(1025) },
        message: 'details["big"]: value must be at most 1024 characters',
      },
      { name: "an empty key", details: { " ": "v" }, message: "details: keys must not be empty" },
      {
        name: "a control character in a key",
        details: { "a\tb": "v" },
        message: 'details["a\\tb"]: key must not contain control characters or unpaired surrogates',
      },
      {
        name: "NUL in a value",
        details: { k: "a\u0000b" },
        message:
          'details["k"]: value must not contain control characters or unpaired surrogates (tab and line breaks are fine)',
      },
      {
        name: "an unpaired surrogate in a value",
        details: { k: "a\ud800" },
        message:
          'details["k"]: value must not contain control characters or unpaired surrogates (tab and line breaks are fine)',
      },
    ];
    for (const { name, details, message } of refused) {
      it(`refuses ${name}, naming the entry`, () => {
        const error = refusal(() => validateDetails(details));
        expect(error.kind).to.equal("invalid-argument");
        expect(error.message).to.equal(message);
      });
    }
  });

  describe("validateDedupKey", () => {
    it("accepts none, and 255 characters", () => {
      expect(validateDedupKey("")).to.equal("");
      expect(validateDedupKey("é".repeat(255))).to.equal("é".repeat(255));
    });
    it("refuses 256 characters and control characters", () => {
      expect(refusal(() => validateDedupKey("k".repeat(256))).message).to.equal(
        "dedup_key: must be at most 255 characters",
      );
      expect(refusal(() => validateDedupKey("a\nb")).message).to.equal(
        "dedup_key: must not contain control characters or unpaired surrogates",
      );
    });
  });

  describe("fitDetails (integrations keep the page, trimming what does not fit)", () => {
    it("keeps what fits as it is", () => {
      expect(
        fitDetails([
          ["severity", "critical"],
          ["label.job", "api"],
        ]),
      ).to.deep.equal({
        severity: "critical",
        "label.job": "api",
      });
    });

    it("cuts long keys and values, marking the cut", () => {
      const fitted = fitDetails([["k".repeat(70), "🔥".repeat(2000)]]);
      const [[key, value]] = Object.entries(fitted) as [[string, string]];
      expect(key).to.equal(`${"k".repeat(63)}…`);
      expect(characterCount(value)).to.equal(1024);
      expect(value.endsWith("🔥…")).to.equal(true);
      expect(validateDetails(fitted)).to.deep.equal(fitted);
    });

    it("turns control characters into spaces, keeps line breaks in values, drops empty ones", () => {
      expect(
        fitDetails([
          ["a\u0000b", "x\u0007y\nz"],
          ["blank", "   "],
          ["", "no key"],
        ]),
      ).to.deep.equal({ "a b": "x y\nz" });
    });

    it("keeps 63 entries past 64 and says how many were left out", () => {
      const fitted = fitDetails(Object.entries(entries(100)));
      expect(Object.keys(fitted)).to.have.length(64);
      expect(fitted.k62).to.equal("v");
      expect(fitted.k63).to.equal(undefined);
      expect(fitted[LEFT_OUT_KEY]).to.equal("37 more entries did not fit");
      expect(fitDetails(Object.entries(entries(64)))).to.deep.equal(entries(64));
    });
  });

  it("cleanText and cut", () => {
    expect(cleanText("a\u0000b\tc\ud800")).to.equal("a b\tc ");
    expect(cut("abcdef", 4)).to.equal("abc…");
    expect(cut("abcd", 4)).to.equal("abcd");
  });
});
