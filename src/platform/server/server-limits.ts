import { type Env, integer } from "../settings/env-values.js";
import type { IntegerSetting } from "../settings/setting.js";

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

/** `<prefix>_MAX_REQUEST_BYTES` and the port's other bounds, as read and documented. */
export function serverLimitSettings(prefix: string): Record<keyof ServerLimits, IntegerSetting> {
  return {
    maxRequestBytes: {
      kind: "integer",
      name: `${prefix}_MAX_REQUEST_BYTES`,
      fallback: 1024 * 1024,
      min: 1024,
      max: 0xffffffff,
      meaning:
        "Largest request message, after decompression: a larger one is `RESOURCE_EXHAUSTED`, and a compressed one stops inflating there.",
    },
    maxConnections: {
      kind: "integer",
      name: `${prefix}_MAX_CONNECTIONS`,
      fallback: 10_000,
      min: 1,
      max: 1_000_000,
      meaning: "Open connections at once; further ones are closed as they arrive.",
    },
    maxConcurrentStreams: {
      kind: "integer",
      name: `${prefix}_MAX_CONCURRENT_STREAMS`,
      fallback: 100,
      min: 1,
      max: 100_000,
      meaning:
        "Calls at once on one HTTP/2 connection (announced to clients, which queue the rest).",
    },
    idleTimeoutMs: {
      kind: "integer",
      name: `${prefix}_IDLE_TIMEOUT_MS`,
      fallback: 300_000,
      min: 100,
      max: 86_400_000,
      meaning:
        "An HTTP/2 connection with no call open for this long is closed (GOAWAY); clients reconnect when they need to. Pings do not count as use.",
    },
    maxDeadlineMs: {
      kind: "integer",
      name: `${prefix}_MAX_DEADLINE_MS`,
      fallback: 60_000,
      min: 100,
      max: 86_400_000,
      meaning:
        "Longest deadline a call runs under: a longer one is shortened to this, and a unary call without one gets it (`DEADLINE_EXCEEDED` past it). Server streams such as `WatchAlerts` may stay open without one.",
    },
  };
}

/** The limits a program runs with when its operator sets none. */
export const DEFAULT_SERVER_LIMITS: ServerLimits = readServerLimits({}, "DEFAULT");

/** Reads the port's limits; a bad value names the variable. */
export function readServerLimits(env: Env, prefix: string): ServerLimits {
  const settings = serverLimitSettings(prefix);
  return {
    maxRequestBytes: integer(env, settings.maxRequestBytes),
    maxConnections: integer(env, settings.maxConnections),
    maxConcurrentStreams: integer(env, settings.maxConcurrentStreams),
    idleTimeoutMs: integer(env, settings.idleTimeoutMs),
    maxDeadlineMs: integer(env, settings.maxDeadlineMs),
  };
}
