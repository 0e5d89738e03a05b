import { expect } from "chai";
import sinon from "sinon";
import { AlertWatch } from "../../src/pager/app/alert-watch.js";
import {
  comparePositions,
  decodeResumeToken,
  encodeResumeToken,
} from "../../src/pager/app/feed-position.js";
import type { AlertChange, ChangeBatch } from "../../src/pager/app/ports.js";
import { DomainError } from "../../src/platform/errors/domain-error.js";

function change(xid: bigint, seq: bigint, service = "svc"): AlertChange {
  return {
    position: { xid, seq },
    event: {
      id: String(seq),
      alertId: "alert",
      monitoredServiceId: service,
      createTime: new Date(0),
      actor: { kind: "system", name: "test" },
      detail: { kind: "acknowledged", acknowledgedBy: "ana" },
    },
    alert: null,
  };
}

function batch(changes: AlertChange[], xid: bigint): ChangeBatch {
  return { changes, position: { xid, seq: 0n }, full: false, pending: false };
}

describe("resume tokens", () => {
  it("round-trip a position and order positions by transaction, then entry", () => {
    const position = { xid: 12_345_678_901n, seq: 42n };
    expect(decodeResumeToken(encodeResumeToken(position))).to.deep.equal(position);
    expect(comparePositions({ xid: 2n, seq: 1n }, { xid: 1n, seq: 9n })).to.equal(1);
    expect(comparePositions({ xid: 2n, seq: 1n }, { xid: 2n, seq: 9n })).to.equal(-1);
    expect(comparePositions(position, { ...position })).to.equal(0);
  });

  it("refuse anything the server did not make, naming the field", () => {
    for (const token of ["", "w1.1", Buffer.from("w2.1.1").toString("base64url"), "%%%"]) {
      expect(() => decodeResumeToken(token))
        .to.throw(DomainError, /^resume_token: /)
        .with.property("kind", "invalid-argument");
    }
  });
});

describe("AlertWatch (fake timers)", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });
  afterEach(() => clock.restore());

  it("queues only the changes past its position for its service, and moves to the batch's end", async () => {
    const watch = new AlertWatch("svc", { xid: 10n, seq: 5n }, 100);
    watch.offer(
      batch([change(10n, 4n), change(10n, 6n), change(11n, 7n, "other"), change(12n, 8n)], 20n),
    );
    expect(watch.position).to.deep.equal({ xid: 20n, seq: 0n });
    const signal = new AbortController().signal;
    expect((await watch.next(signal, 1000))?.position).to.deep.equal({ xid: 10n, seq: 6n });
    expect((await watch.next(signal, 1000))?.position).to.deep.equal({ xid: 12n, seq: 8n });
  });

  it("waits for the next change, and answers null after a quiet interval", async () => {
    const watch = new AlertWatch(null, { xid: 1n, seq: 0n }, 100);
    const signal = new AbortController().signal;
    const quiet = watch.next(signal, 30_000);
    await clock.tickAsync(30_000);
    expect(await quiet).to.equal(null);
    const next = watch.next(signal, 30_000);
    await clock.tickAsync(5);
    watch.offer(batch([change(2n, 1n)], 3n));
    expect((await next)?.event.id).to.equal("1");
  });

  it("ends a watch whose client lags more than the backlog allows, and one ended at shutdown", async () => {
    const slow = new AlertWatch(null, { xid: 1n, seq: 0n }, 2);
    slow.offer(batch([change(2n, 1n), change(2n, 2n), change(2n, 3n)], 3n));
    const signal = new AbortController().signal;
    const lagging = await slow.next(signal, 1000).catch((error: unknown) => error);
    expect(lagging).to.be.instanceOf(DomainError).with.property("kind", "resource-exhausted");

    const open = new AlertWatch(null, { xid: 1n, seq: 0n }, 100);
    const waiting = open.next(signal, 30_000).catch((error: unknown) => error);
    open.end(new DomainError("unavailable", "SHUTTING_DOWN", "bye"));
    expect(await waiting).to.have.property("kind", "unavailable");
    expect(() => open.throwIfEnded()).to.throw(DomainError);
  });

  it("stops waiting when the client goes away", async () => {
    const watch = new AlertWatch(null, { xid: 1n, seq: 0n }, 100);
    const abort = new AbortController();
    const waiting = watch.next(abort.signal, 30_000).catch((error: unknown) => error);
    abort.abort(new Error("client gone"));
    expect(await waiting).to.have.property("message", "client gone");
  });
});
