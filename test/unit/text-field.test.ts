import { expect } from "chai";
import { checkText, requireText, utf8Length } from "../../src/pager/domain/text-field.js";
import { QUOTE_LIMIT, quoted } from "../../src/platform/errors/quoted.js";
import { refusal } from "../support/refusal.js";

describe("text fields: one rule for what clients write", () => {
  it("counts UTF-8 bytes as PostgreSQL stores them", () => {
    expect(utf8Length("abc")).to.equal(3);
    expect(utf8Length("é")).to.equal(2);
    expect(utf8Length("鉤")).to.equal(3);
    expect(utf8Length("🔥")).to.equal(4);
    expect(utf8Length("\ud800")).to.equal(3);
    expect(utf8Length("鉤".repeat(2000))).to.equal(Buffer.byteLength("鉤".repeat(2000)));
  });

  it("bounds text by UTF-8 bytes, not UTF-16 units", () => {
    expect(requireText("鉤".repeat(66), "name", 200)).to.equal("鉤".repeat(66));
    // 67 characters, 67 UTF-16 units, 201 bytes.
    expect(refusal(() => requireText("鉤".repeat(67), "name", 200)).message).to.equal(
      "name: must be at most 200 bytes in UTF-8",
    );
    expect(refusal(() => requireText("🔥".repeat(51), "name", 200)).field).to.equal("name");
  });

  it("refuses NUL and other control characters in a line, names the field", () => {
    for (const text of ["a\u0000b", "a\nb", "a\tb", "a\u007fb", "a\u001bb", "a\ud800b"]) {
      const error = refusal(() => requireText(text, "levels[0].name", 200));
      expect(error.field, JSON.stringify(text)).to.equal("levels[0].name");
      expect(error.message).to.match(/must not contain control characters or unpaired surrogates$/);
    }
  });

  it("lets lines hold tabs and line breaks, but still no NUL", () => {
    expect(requireText("disk full\n\tdb-1\r\n", "message", 100, "", "lines")).to.equal(
      "disk full\n\tdb-1",
    );
    expect(
      refusal(() => requireText("disk\u0000full", "message", 100, "", "lines")).message,
    ).to.equal(
      "message: must not contain control characters or unpaired surrogates (tab and line breaks are fine)",
    );
  });

  it("requires text, but checkText lets an empty value through to the caller's own rule", () => {
    expect(refusal(() => requireText("  ", "name", 200, "what it is")).message).to.equal(
      "name: is required (what it is)",
    );
    expect(() => checkText("", "url", 10)).not.to.throw();
  });

  it("quotes at most a short prefix of a value, escaped, with its length", () => {
    expect(quoted("abc")).to.equal('"abc"');
    expect(quoted("a\u0000b")).to.equal('"a\\u0000b"');
    const huge = "x".repeat(5 * 1024 * 1024);
    expect(quoted(huge)).to.equal(`"${"x".repeat(QUOTE_LIMIT)}…" (${huge.length} characters)`);
    // A cut never splits a surrogate pair.
    const emoji = `${"x".repeat(QUOTE_LIMIT - 1)}🔥🔥`;
    expect(quoted(emoji)).to.equal(
      `"${"x".repeat(QUOTE_LIMIT - 1)}…" (${emoji.length} characters)`,
    );
  });
});
