import { type Env, integer } from "../settings/env-values.js";

/**
 * What one port grants its clients. Each bound keeps a client, careless or
 * hostile, from taking memory, sockets or handlers that other callers (and
 * the pages they send) need.
 */
export interface ServerLimits {
  /** Largest request message, after decompression; larger: RESOURCE_EXHAUSTED. */
  readonly maxRequestBytes: number;
  /** Open connections at once; further ones are closed on arrival. */
  readonly maxConnections: number;
  /** Streams (calls) at once on one HTTP/2 connection, as announced in SETTINGS. */
  readonly maxConcurrentStreams: number;
  /** An HTTP/2 connection with no call open for this long is closed (GOAWAY). */
  readonly idleTimeoutMs: number;
  /**
   * Longest deadline a call may run under: a longer one is shortened to it,
   * and a unary call without a deadline gets it. Server streams may stay
   * open without one (watches).
   */
  readonly maxDeadlineMs: number;
}

/** The limits a program runs with when its operator sets none. */
export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  maxRequestBytes: 1024 * 1024,
  maxConnections: 10_000,
  maxConcurrentStreams: 100,
  idleTimeoutMs: 300_000,
  maxDeadlineMs: 60_000,
};

/**
 * Reads `<prefix>_MAX_REQUEST_BYTES`, `_MAX_CONNECTIONS`,
 * `_MAX_CONCURRENT_STREAMS`, `_IDLE_TIMEOUT_MS` and `_MAX_DEADLINE_MS`.
 */
export function readServerLimits(env: Env, prefix: string): ServerLimits {
  const d = DEFAULT_SERVER_LIMITS;
  return {
    maxRequestBytes: integer(
      env,
      `${prefix}_MAX_REQUEST_BYTES`,
      d.maxRequestBytes,
      1024,
      0xffffffff,
    ),
    maxConnections: integer(env, `${prefix}_MAX_CONNECTIONS`, d.maxConnections, 1, 1_000_000),
    maxConcurrentStreams: integer(
      env,
      `${prefix}_MAX_CONCURRENT_STREAMS`,
      d.maxConcurrentStreams,
      1,
      100_000,
    ),
    idleTimeoutMs: integer(env, `${prefix}_IDLE_TIMEOUT_MS`, d.idleTimeoutMs, 100, 86_400_000),
    maxDeadlineMs: integer(env, `${prefix}_MAX_DEADLINE_MS`, d.maxDeadlineMs, 100, 86_400_000),
  };
}
