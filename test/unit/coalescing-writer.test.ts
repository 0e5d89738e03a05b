import { expect } from "chai";
import { CoalescingWriter } from "../../src/platform/workers/coalescing-writer.js";

describe("CoalescingWriter", () => {
  it("writes items added together in one batch, and those added meanwhile in the next", async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const writer = new CoalescingWriter<number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = [writer.add(1), writer.add(2), writer.add(3)];
    await new Promise((resolve) => setImmediate(resolve));
    const second = [writer.add(4), writer.add(5)];
    release();
    await Promise.all([...first, ...second]);
    expect(batches).to.deep.equal([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it("a failed write rejects every add of its batch, and the writer carries on", async () => {
    let fail = true;
    const writer = new CoalescingWriter<string>(async () => {
      if (fail) throw new Error("database restarting");
    });
    const results = await Promise.allSettled([writer.add("a"), writer.add("b")]);
    expect(results.map((r) => r.status)).to.deep.equal(["rejected", "rejected"]);
    fail = false;
    await writer.add("c");
  });

  it("never takes more than maxBatch items at once", async () => {
    const sizes: number[] = [];
    const writer = new CoalescingWriter<number>(async (items) => {
      sizes.push(items.length);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => writer.add(i)));
    expect(sizes).to.deep.equal([2, 2, 1]);
  });
});
