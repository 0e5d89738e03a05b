import { expect } from "chai";
import { UuidV7Generator } from "../../src/pager/adapters/system/uuid-v7.js";
import { requireId } from "../../src/pager/domain/resource-id.js";

describe("UuidV7Generator", () => {
  it("makes valid, version-7, strictly increasing ids even within one millisecond", () => {
    const ids = new UuidV7Generator();
    const many = Array.from({ length: 5000 }, () => ids.next());
    for (const id of many) {
      expect(requireId(id, "id")).to.equal(id);
      expect(id[14]).to.equal("7");
      expect("89ab").to.contain(id[19] ?? "");
    }
    const sorted = [...many].sort();
    expect(sorted).to.deep.equal(many);
    expect(new Set(many).size).to.equal(many.length);
  });
});
