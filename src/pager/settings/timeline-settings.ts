import { type Env, integer, text } from "../../platform/settings/env-values.js";
import type { Setting } from "../../platform/settings/setting.js";

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

/** The variables of acknowledgement links and live watches, as read and documented. */
export const TIMELINE_SETTINGS = {
  ackLinkSecret: {
    kind: "text",
    name: "PAGER_ACK_LINK_SECRET",
    fallback: null,
    meaning:
      "Key that signs acknowledgement links, at least 32 characters (e.g. `openssl rand -hex 32`). Unset: a random key is generated at first start and kept in the database (table `pager_secrets`), so every replica signs and verifies alike. Changing it invalidates the links already sent. Never logged.",
  },
  ackLinkTtlMs: {
    kind: "integer",
    name: "PAGER_ACK_LINK_TTL_MS",
    fallback: DAY_MS,
    min: 60_000,
    max: 30 * DAY_MS,
    shownDefault: "`86400000` (24 h)",
    meaning:
      "How long an acknowledgement link works after its page was sent (1 minute to 30 days).",
  },
  maxWatches: {
    kind: "integer",
    name: "PAGER_MAX_WATCHES",
    fallback: 1000,
    min: 1,
    max: 100_000,
    meaning: "`WatchAlerts` streams this process serves at once; one more is `RESOURCE_EXHAUSTED`.",
  },
  watchPollMs: {
    kind: "integer",
    name: "PAGER_WATCH_POLL_MS",
    fallback: 200,
    min: 20,
    max: 10_000,
    meaning:
      "Longest wait before a watcher hears of a change committed by another replica (20 to 10 000). Changes committed by this process are sent at once.",
  },
} as const satisfies Record<string, Setting>;

/** Reads the variables; a short secret stops the start rather than weakening every link. */
export function readTimelineSettings(env: Env): TimelineSettings {
  const secret = text(env, TIMELINE_SETTINGS.ackLinkSecret);
  if (secret !== null && secret.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `PAGER_ACK_LINK_SECRET must be at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -hex 32)`,
    );
  }
  return {
    ackLinkSecret: secret,
    ackLinkLifetimeMs: integer(env, TIMELINE_SETTINGS.ackLinkTtlMs),
    maxWatches: integer(env, TIMELINE_SETTINGS.maxWatches),
    watchPollMs: integer(env, TIMELINE_SETTINGS.watchPollMs),
  };
}
