import { create } from "@bufbuild/protobuf";
import { expect } from "chai";
import { EscalationPolicySchema } from "../../gen/pager/v1/escalation_policy_pb.js";
import { draftOf, EMPTY_POLICY, editorField, levelsOf } from "../../src/console/policy-draft.js";
import { seconds, target } from "../support/pager-fixtures.js";

/** The console's policy form: what it sends is what was stored, and the server judges the rest. */
describe("console policy draft", () => {
  it("a stored policy, edited unchanged, is sent back as it was", () => {
    const policy = create(EscalationPolicySchema, {
      id: "p",
      name: "payments",
      levels: [
        { targets: [target.email("a@example.com")], ackTimeout: seconds(120) },
        {
          targets: [target.sms("+14155550123"), target.webhook("https://hooks.example.com/x")],
          ackTimeout: seconds(900),
        },
      ],
    });
    const draft = draftOf(policy);
    expect(draft.levels.map((level) => level.ackSeconds)).to.deep.equal(["120", "900"]);
    const levels = levelsOf(draft);
    expect(levels.map((level) => level.ackTimeout)).to.deep.equal([
      { seconds: 120n },
      { seconds: 900n },
    ]);
    expect(levels.map((level) => level.targets?.map((t) => t.kind))).to.deep.equal([
      [{ case: "email", value: { address: "a@example.com" } }],
      [
        { case: "sms", value: { phoneNumber: "+14155550123" } },
        { case: "webhook", value: { url: "https://hooks.example.com/x" } },
      ],
    ]);
  });

  it("an empty delay is left to the server's default; a delay that is no number is sent as 0, for the server to refuse by name", () => {
    const [unset, typo] = levelsOf({
      name: "x",
      levels: [
        { ackSeconds: " ", targets: [{ kind: "email", value: " a@example.com " }] },
        { ackSeconds: "ten", targets: [] },
      ],
    });
    expect(unset?.ackTimeout).to.equal(undefined);
    expect(unset?.targets?.[0]?.kind).to.deep.equal({
      case: "email",
      value: { address: "a@example.com" },
    });
    expect(typo?.ackTimeout).to.deep.equal({ seconds: 0n });
  });

  it("a new policy starts with one level of one email target", () => {
    expect(EMPTY_POLICY.levels).to.have.length(1);
    expect(EMPTY_POLICY.levels[0]?.targets).to.deep.equal([{ kind: "email", value: "" }]);
  });

  it("an update's field paths name the same slots as a create's", () => {
    expect(editorField("escalation_policy.levels[1].targets[0].sms.phone_number")).to.equal(
      "levels[1].targets[0].sms.phone_number",
    );
    expect(editorField("levels[0].ack_timeout")).to.equal("levels[0].ack_timeout");
    expect(editorField("name")).to.equal("name");
  });
});
