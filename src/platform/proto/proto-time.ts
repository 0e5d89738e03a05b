import { create } from "@bufbuild/protobuf";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { type Duration, DurationSchema, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { invalidArgument } from "../errors/domain-error.js";

/** Optional times stay unset on the wire rather than becoming the epoch. */
export function toTimestamp(date: Date | null): Timestamp | undefined {
  return date === null ? undefined : timestampFromDate(date);
}

/** Durations in whole milliseconds, the domain's unit for delays. */
export function toDuration(ms: number): Duration {
  return create(DurationSchema, {
    seconds: BigInt(Math.floor(ms / 1000)),
    nanos: (ms % 1000) * 1_000_000,
  });
}

/**
 * Reads a client's Duration; unset stays undefined so the domain can apply
 * its default. Sub-millisecond precision is refused rather than rounded away.
 */
export function fromDuration(duration: Duration | undefined, field: string): number | undefined {
  if (duration === undefined) return undefined;
  if (duration.nanos % 1_000_000 !== 0) {
    throw invalidArgument(field, "must be a whole number of milliseconds");
  }
  const ms = Number(duration.seconds) * 1000 + duration.nanos / 1_000_000;
  if (!Number.isSafeInteger(ms) || duration.seconds < 0n !== ms < 0) {
    throw invalidArgument(field, "is out of range");
  }
  return ms;
}
