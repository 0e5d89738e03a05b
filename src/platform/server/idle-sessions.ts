import type * as http2 from "node:http2";

/** After GOAWAY, how long a peer that never reads may keep the socket. */
const CLOSE_GRACE_MS = 1000;

/**
 * Closes an HTTP/2 connection once it has had no call open for `idleMs`.
 *
 * Why: a connection costs a socket and session memory whether or not it is
 * used; one that only sent a preface, or that the client forgot, must not
 * pin them forever. Only calls count as use, not pings, so a client cannot
 * keep an idle connection alive by pinging; a watch that stays open keeps
 * its connection, as it should.
 */
export function closeWhenIdle(session: http2.ServerHttp2Session, idleMs: number): void {
  let open = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    timer = setTimeout(() => {
      session.close();
      setTimeout(() => session.destroy(), CLOSE_GRACE_MS).unref();
    }, idleMs);
    timer.unref();
  };
  session.on("stream", (stream: http2.ServerHttp2Stream) => {
    open += 1;
    clearTimeout(timer);
    stream.once("close", () => {
      open -= 1;
      if (open === 0 && !session.closed && !session.destroyed) arm();
    });
  });
  session.once("close", () => clearTimeout(timer));
  arm();
}
