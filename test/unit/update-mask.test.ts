import { expect } from "chai";
import { resolveUpdateMask } from "../../src/pager/domain/update-mask.js";
import { DomainError } from "../../src/platform/errors/domain-error.js";

const WRITABLE = ["name", "escalation_policy_id", "description"] as const;

describe("resolveUpdateMask (AIP-134)", () => {
  const accepted: { name: string; paths: string[]; fields: string[] }[] = [
    { name: "an empty mask replaces every writable field", paths: [], fields: [...WRITABLE] },
    { name: "one path changes that field only", paths: ["name"], fields: ["name"] },
    {
      name: "several paths, in any order",
      paths: ["description", "name"],
      fields: ["description", "name"],
    },
    { name: "a path twice counts once", paths: ["name", "name"], fields: ["name"] },
  ];
  for (const row of accepted) {
    it(row.name, () => {
      expect([...resolveUpdateMask(row.paths, WRITABLE)]).to.deep.equal(row.fields);
    });
  }

  const refused: { name: string; paths: string[]; bad: string }[] = [
    { name: "a field the resource does not have", paths: ["health"], bad: "health" },
    { name: "an output-only field", paths: ["name", "create_time"], bad: "create_time" },
    { name: "the wrong case", paths: ["Name"], bad: "Name" },
    { name: "a camelCase path", paths: ["escalationPolicyId"], bad: "escalationPolicyId" },
    { name: "a wildcard", paths: ["*"], bad: "*" },
  ];
  for (const row of refused) {
    it(`refuses ${row.name}, listing what may be updated`, () => {
      expect(() => resolveUpdateMask(row.paths, WRITABLE))
        .to.throw(DomainError)
        .with.property(
          "message",
          `update_mask: "${row.bad}" is not an updatable field (use one of: name, escalation_policy_id, description)`,
        );
    });
  }

  it("names the field it was given", () => {
    expect(() => resolveUpdateMask(["x"], WRITABLE, "mask"))
      .to.throw(DomainError)
      .with.property("field", "mask");
  });
});
