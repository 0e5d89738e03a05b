import { expect } from "chai";
import { QueryFailedError } from "typeorm";
import { serializeValueFreeError } from "../../src/platform/logging/value-free-errors.js";

describe("logged errors hold no request values", () => {
  it("a QueryFailedError keeps its statement and SQLSTATE, loses its parameters and row details", () => {
    const driverError = Object.assign(new Error("duplicate key value violates unique constraint"), {
      code: "23505",
      detail: "Key (name)=(+14155550123) already exists.",
      where: "row (ana@example.com)",
    });
    const cause = new QueryFailedError(
      'INSERT INTO "monitored_services"("name") VALUES ($1)',
      ["+14155550123", "ana@example.com"],
      driverError,
    );
    const wrapped = new AggregateError([cause], "1 of 1 pages failed");
    for (const err of [cause, wrapped]) {
      const text = JSON.stringify(serializeValueFreeError(err));
      expect(text).to.contain("23505").and.contain("INSERT INTO");
      expect(text).to.not.contain("+14155550123").and.not.contain("ana@example.com");
    }
    // The error itself is left whole for whoever else holds it.
    expect(cause.parameters).to.deep.equal(["+14155550123", "ana@example.com"]);
  });
});
