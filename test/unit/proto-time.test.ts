import { create } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { expect } from "chai";
import { fromTimestamp } from "../../src/platform/proto/proto-time.js";
import { refusal } from "../support/refusal.js";

describe("client timestamps", () => {
  it("reads years 1 to 9999, refuses what the Timestamp type does not allow", () => {
    expect(fromTimestamp(undefined, "expire_time")).to.equal(null);
    const at = (seconds: bigint, nanos = 0) => create(TimestampSchema, { seconds, nanos });
    expect(fromTimestamp(at(1_796_000_000n, 5_000_000), "expire_time")?.getTime()).to.equal(
      1_796_000_000_005,
    );
    expect(fromTimestamp(at(253_402_300_799n), "x")?.toISOString()).to.equal(
      "9999-12-31T23:59:59.000Z",
    );
    for (const bad of [
      at(9_223_372_036_854_775_807n),
      at(-62_135_596_801n),
      at(0n, -1),
      at(0n, 1_000_000_000),
    ]) {
      const error = refusal(() => fromTimestamp(bad, "expire_time"));
      expect(error.field).to.equal("expire_time");
      expect(error.kind).to.equal("invalid-argument");
    }
  });
});
