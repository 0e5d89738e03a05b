import { expect } from "chai";
import { watchOutputFor } from "../../src/platform/embedded-postgres/output-watch.js";

const READY = "database system is ready to accept connections";
const line = (pid: number, text: string) => `2026-11-30 06:51:41.571 UTC [${pid}] ${text}\n`;

/** Feeds `chunks` in order; returns after which chunk (1-based) the needle was reported, or 0. */
function foundAfter(chunks: readonly string[]): number {
  let calls = 0;
  let at = 0;
  const watch = watchOutputFor(READY, () => {
    calls += 1;
    at ||= chunkIndex;
  });
  let chunkIndex = 0;
  for (const chunk of chunks) {
    chunkIndex += 1;
    watch(chunk);
  }
  expect(calls, "reported at most once").to.be.at.most(1);
  return at;
}

describe("watching server output for the ready line", () => {
  it("finds it in a chunk where many lines follow it, as a slow reader of the pipe gets them", () => {
    // Backends forked while the server was starting write their refusals after the ready line.
    const chunk =
      line(19939, "LOG:  database system was shut down at 2026-11-30 06:51:37 UTC") +
      line(19939, `LOG:  ${READY}`) +
      line(19950, "FATAL:  the database system is starting up") +
      line(19951, "FATAL:  the database system is starting up") +
      line(19952, "FATAL:  the database system is starting up");
    expect(chunk.length - chunk.indexOf(READY)).to.be.above(200);
    expect(foundAfter([chunk])).to.equal(1);
  });

  it("finds it split across two chunks, wherever the split falls in it", () => {
    const text = line(1, "LOG:  starting PostgreSQL") + line(1, `LOG:  ${READY}`);
    const start = text.indexOf(READY);
    for (let split = start + 1; split < start + READY.length; split++) {
      expect(foundAfter([text.slice(0, split), text.slice(split)]), `split at ${split}`).to.equal(
        2,
      );
    }
  });

  it("finds it delivered one character at a time, on the character that completes it", () => {
    const text = line(1, `LOG:  ${READY}`);
    const end = text.indexOf(READY) + READY.length;
    expect(foundAfter([...text])).to.equal(end);
  });

  it("does not report a server that only starts, or one that is shutting down", () => {
    expect(
      foundAfter([
        line(1, "LOG:  starting PostgreSQL 17.10"),
        line(1, "LOG:  database system is shut down"),
        line(2, "FATAL:  the database system is starting up"),
      ]),
    ).to.equal(0);
  });
});
