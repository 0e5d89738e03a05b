import { create } from "@bufbuild/protobuf";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import {
  type Duration,
  DurationSchema,
  timestampDate,
  timestampFromDate,
} from "@bufbuild/protobuf/wkt";
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

/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range google.protobuf.Timestamp allows. */
const MIN_TIMESTAMP_SECONDS = -62_135_596_800n;
const MAX_TIMESTAMP_SECONDS = 253_402_300_799n;

/**
 * Reads a client's Timestamp; unset stays null. One outside the range the
 * Timestamp type allows, or with nanos outside [0, 1e9), is the client's
 * mistake, not an Invalid Date deep in a use case.
 */
export function fromTimestamp(timestamp: Timestamp | undefined, field: string): Date | null {
  if (timestamp === undefined) return null;
  const { seconds, nanos } = timestamp;
  if (
    seconds < MIN_TIMESTAMP_SECONDS ||
    seconds > MAX_TIMESTAMP_SECONDS ||
    nanos < 0 ||
    nanos > 999_999_999
  ) {
    throw invalidArgument(field, "is out of range (years 1 to 9999, nanos from 0 to 999999999)");
  }
  return timestampDate(timestamp);
}
