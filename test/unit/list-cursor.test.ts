import { expect } from "chai";
import { requireId } from "../../src/pager/domain/resource-id.js";
import { DomainError } from "../../src/platform/errors/domain-error.js";
import { fetchSlice, parseListRequest } from "../../src/platform/listing/list-cursor.js";

const ID = "0190b6c4-0000-7000-8000-000000000001";
const tokenOf = (id: string) => Buffer.from(id, "utf8").toString("base64url");

describe("list cursors and page tokens", () => {
  describe("parseListRequest", () => {
    const accepted: {
      name: string;
      pageSize: number;
      pageToken: string;
      after: string | null;
      limit: number;
    }[] = [
      { name: "0 is the server default of 50", pageSize: 0, pageToken: "", after: null, limit: 50 },
      { name: "a size within bounds is kept", pageSize: 7, pageToken: "", after: null, limit: 7 },
      { name: "the maximum is kept", pageSize: 1000, pageToken: "", after: null, limit: 1000 },
      {
        name: "over the maximum is clamped (AIP-158)",
        pageSize: 5000,
        pageToken: "",
        after: null,
        limit: 1000,
      },
      {
        name: "a token from a previous slice resumes after its id",
        pageSize: 10,
        pageToken: tokenOf(ID),
        after: ID,
        limit: 10,
      },
      {
        name: "the id in a token is checked by the resource's rule (and normalised)",
        pageSize: 10,
        pageToken: tokenOf(ID.toUpperCase()),
        after: ID,
        limit: 10,
      },
    ];
    for (const row of accepted) {
      it(row.name, () => {
        expect(parseListRequest(row, requireId)).to.deep.equal({
          after: row.after,
          limit: row.limit,
        });
      });
    }

    const refused: {
      name: string;
      pageSize: number;
      pageToken: string;
      field: string;
      problem: RegExp;
    }[] = [
      {
        name: "a negative size",
        pageSize: -1,
        pageToken: "",
        field: "page_size",
        problem: /must be 0 \(server default\) or a positive number/,
      },
      {
        name: "a fractional size",
        pageSize: 2.5,
        pageToken: "",
        field: "page_size",
        problem: /positive number/,
      },
      {
        name: "a token that is not base64url of an id",
        pageSize: 0,
        pageToken: "garbage",
        field: "page_token",
        problem: /is not a token returned by this list; start again without it/,
      },
      {
        name: "a token of something that is no id",
        pageSize: 0,
        pageToken: tokenOf("42"),
        field: "page_token",
        problem: /start again without it/,
      },
    ];
    for (const row of refused) {
      it(`refuses ${row.name}, naming ${row.field}`, () => {
        expect(() => parseListRequest(row, requireId))
          .to.throw(DomainError)
          .that.satisfies(
            (error: DomainError) =>
              error.field === row.field &&
              error.kind === "invalid-argument" &&
              row.problem.test(error.message),
          );
      });
    }
  });

  describe("fetchSlice", () => {
    const ids = Array.from({ length: 5 }, (_, i) => `id-${i}`);
    /** Rows after `after`, at most `limit`: what a keyset query returns. */
    const load = async (cursor: { after: string | null; limit: number }) =>
      ids
        .filter((id) => cursor.after === null || id > cursor.after)
        .slice(0, cursor.limit)
        .map((id) => ({ id }));

    const slices: {
      name: string;
      after: string | null;
      limit: number;
      items: string[];
      next: string | null;
    }[] = [
      {
        name: "a first slice with more to come carries the token of its last id",
        after: null,
        limit: 2,
        items: ["id-0", "id-1"],
        next: "id-1",
      },
      { name: "a middle slice", after: "id-1", limit: 2, items: ["id-2", "id-3"], next: "id-3" },
      { name: "the last slice has no token", after: "id-3", limit: 2, items: ["id-4"], next: null },
      {
        name: "a slice that ends exactly at the last row has no token either",
        after: null,
        limit: 5,
        items: ids,
        next: null,
      },
      { name: "an empty list", after: "id-4", limit: 2, items: [], next: null },
    ];
    for (const row of slices) {
      it(row.name, async () => {
        const slice = await fetchSlice({ after: row.after, limit: row.limit }, load);
        expect(slice.items.map((item) => item.id)).to.deep.equal(row.items);
        expect(slice.nextPageToken).to.equal(row.next === null ? "" : tokenOf(row.next));
      });
    }

    it("walking the tokens visits every row once", async () => {
      const seen: string[] = [];
      let pageToken = "";
      do {
        const cursor = parseListRequest({ pageSize: 2, pageToken }, (id) => id);
        const slice = await fetchSlice(cursor, load);
        seen.push(...slice.items.map((item) => item.id));
        pageToken = slice.nextPageToken;
      } while (pageToken !== "");
      expect(seen).to.deep.equal(ids);
    });
  });
});
