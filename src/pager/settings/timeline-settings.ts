import { type Env, integer } from "../../platform/settings/env-values.js";

/** Acknowledgement links and live watches, as the operator set them. */
export interface TimelineSettings {
  /** Signing key of acknowledgement links; null: one generated and kept in the database. */
  readonly ackLinkSecret: string | null;
  /** How long an acknowledgement link works after its page was sent. */
  readonly ackLinkLifetimeMs: number;
  /** WatchAlerts streams one process serves at once. */
  readonly maxWatches: number;
  /** Longest wait before a watcher hears of a change another replica committed. */
  readonly watchPollMs: number;
}

const MIN_SECRET_LENGTH = 32;
const DAY_MS = 86_400_000;

/** Reads the variables; a short secret stops the start rather than weakening every link. */
export function readTimelineSettings(env: Env): TimelineSettings {
  const secret = env.PAGER_ACK_LINK_SECRET ?? "";
  if (secret !== "" && secret.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `PAGER_ACK_LINK_SECRET must be at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -hex 32)`,
    );
  }
  return {
    ackLinkSecret: secret === "" ? null : secret,
    ackLinkLifetimeMs: integer(env, "PAGER_ACK_LINK_TTL_MS", DAY_MS, 60_000, 30 * DAY_MS),
    maxWatches: integer(env, "PAGER_MAX_WATCHES", 1000, 1, 100_000),
    watchPollMs: integer(env, "PAGER_WATCH_POLL_MS", 200, 20, 10_000),
  };
}
