import { invalidArgument } from "../../platform/errors/domain-error.js";

/**
 * A place in the stream of committed timeline entries: the transaction that
 * wrote an entry and the entry's number. Entries are delivered in this
 * order; `seq` 0 stands before every entry of transaction `xid`.
 */
export interface FeedPosition {
  readonly xid: bigint;
  readonly seq: bigint;
}

/** Negative, zero or positive as `a` stands before, at or after `b`. */
export function comparePositions(a: FeedPosition, b: FeedPosition): number {
  if (a.xid !== b.xid) return a.xid < b.xid ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

const TOKEN = /^w1\.([0-9]{1,20})\.([0-9]{1,19})$/;

/** The resume token a client hands back: opaque to it, versioned for us. */
export function encodeResumeToken(position: FeedPosition): string {
  return Buffer.from(`w1.${position.xid}.${position.seq}`, "utf8").toString("base64url");
}

/** Reads a resume token; anything this server did not make is the client's mistake. */
export function decodeResumeToken(token: string, field = "resume_token"): FeedPosition {
  const match = TOKEN.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (match === null) {
    throw invalidArgument(field, "is not a token returned by WatchAlerts; start again without it");
  }
  return { xid: BigInt(match[1] ?? "0"), seq: BigInt(match[2] ?? "0") };
}
