import {
  type ProcessDefaults,
  type ProcessSettings,
  processSettingList,
  readProcessSettings,
} from "../../platform/program/process-settings.js";
import {
  duration,
  type Env,
  flag,
  integer,
  optionalUrl,
  text,
} from "../../platform/settings/env-values.js";
import { retentionSetting, type Setting } from "../../platform/settings/setting.js";
import type { ChannelSettings } from "../adapters/channels/channel-setup.js";
import {
  ACK_TIMER_SETTINGS,
  type AckTimerSettings,
  readAckTimerSettings,
} from "./ack-timer-settings.js";
import { AUTH_SETTINGS, type AuthSettings, readAuthSettings } from "./auth-settings.js";
import { CHANNEL_SETTINGS, readChannelSettings } from "./channel-settings.js";
import {
  readTimelineSettings,
  TIMELINE_SETTINGS,
  type TimelineSettings,
} from "./timeline-settings.js";

/**
 * Everything an operator can set, read once at start from the environment.
 * A wrong value stops the process with a message naming the variable, rather
 * than running with a surprise.
 */
export interface PagerConfig extends ProcessSettings {
  readonly timerWorker: boolean;
  /** In-process timers, or an external timer service, and its settings. */
  readonly timers: AckTimerSettings;
  readonly dispatcher: boolean;
  readonly workerLeaseMs: number;
  /** How many alert-event transactions run at once; the events that wait meanwhile go together in the next. */
  readonly eventTransactions: number;
  readonly maxDeliveryAttempts: number;
  /** First retry delay of a page; each further retry waits about twice as long. */
  readonly deliveryRetryBaseMs: number;
  /** Longest one delivery attempt may take; always shorter than the worker lease. */
  readonly deliveryTimeoutMs: number;
  /** Base of the acknowledgement command in pages; null: `http://<host>:<port>` as listening (`https://` with TLS). */
  readonly publicUrl: string | null;
  /** How long a resolved alert is kept before retention deletes it and what belongs to it. */
  readonly retentionMs: number;
  readonly channels: ChannelSettings;
  /** Acknowledgement links and live watches. */
  readonly timeline: TimelineSettings;
  readonly auth: AuthSettings;
  /** The built web console served at `/`. */
  readonly consoleDir: string;
}

const PAGER_DEFAULTS: ProcessDefaults = {
  port: 50051,
  dataDir: ".pager-data/postgres",
  dbPoolSize: 20,
  databaseUrlFrom: [
    {
      kind: "text",
      name: "DATABASE_URL",
      fallback: null,
      meaning:
        "PostgreSQL URL, e.g. `postgres://user:pass@db:5432/pager`. Unset: embedded PostgreSQL. Migrations run at start.",
    },
  ],
  meanings: {
    dbPoolSize:
      "Database connections for everything but alert events (those have `PAGER_DB_EVENT_TRANSACTIONS`); each call in flight holds one for its transaction.",
    shutdownGraceMs:
      "How long shutdown waits for calls in flight before cutting them. Open `WatchAlerts` streams are ended at once (`UNAVAILABLE`), not waited for.",
    allowedHosts:
      "Comma-separated names requests may be addressed to (`Host`/`:authority`) besides IP addresses, `localhost`, the machine's host name, the `PAGER_PUBLIC_URL` and `PAGER_TIMER_CALLBACK_URL` hosts: e.g. `pager.internal,.corp.example.com` (a leading dot: the domain and its subdomains); `*` for any.",
  },
};

/** The pager's own variables beyond the process, channel, timer, key and timeline ones. */
export const PAGER_SETTINGS = {
  timerWorker: {
    kind: "flag",
    name: "PAGER_TIMER_WORKER",
    fallback: true,
    meaning:
      "Run this process's timer worker: fire due timers (in-process mode), or relay them to the timer service and run the watchdog (with `PAGER_TIMER_URL`). `off` when something else calls `HandleAcknowledgementTimeout`.",
  },
  dispatcher: {
    kind: "flag",
    name: "PAGER_DISPATCHER",
    fallback: true,
    meaning: "Deliver queued notifications from this process.",
  },
  workerLeaseMs: {
    kind: "integer",
    name: "PAGER_WORKER_LEASE_MS",
    fallback: 30_000,
    min: 1000,
    max: 3_600_000,
    meaning:
      "How long a worker's claim on a timer or notification lasts; if the process dies, another one takes the work over after this.",
  },
  eventTransactions: {
    kind: "integer",
    name: "PAGER_DB_EVENT_TRANSACTIONS",
    fallback: 2,
    min: 1,
    max: 100,
    meaning:
      "Database connections for alert events (SendAlert, acknowledgements, resolutions, timeouts), each running one transaction at a time. Events that arrive while all are busy wait and then go together in one transaction (up to 64): fewer, larger transactions are what lets a storm through quickly.",
  },
  maxDeliveryAttempts: {
    kind: "integer",
    name: "PAGER_MAX_DELIVERY_ATTEMPTS",
    fallback: 5,
    min: 1,
    max: 100,
    meaning: "Attempts per notification before it is marked `FAILED`.",
  },
  deliveryRetryBaseMs: {
    kind: "integer",
    name: "PAGER_DELIVERY_RETRY_BASE_MS",
    fallback: 1000,
    min: 1,
    max: 3_600_000,
    meaning:
      "Delay before the first retry of a page; each further retry waits about twice as long (with jitter, at most a minute).",
  },
  deliveryTimeoutMs: {
    kind: "integer",
    name: "PAGER_DELIVERY_TIMEOUT_MS",
    fallback: 10_000,
    min: 100,
    max: 600_000,
    shownDefault: "`10000` (at most half the lease)",
    meaning: "Longest one delivery attempt may take. Must be shorter than `PAGER_WORKER_LEASE_MS`.",
  },
  retention: retentionSetting(
    "PAGER_RETENTION",
    90,
    "How long a resolved alert is kept, with its pages, timers and timeline; older ones are deleted.",
  ),
  publicUrl: {
    kind: "url",
    name: "PAGER_PUBLIC_URL",
    protocols: ["http:", "https:"],
    shownDefault: "`http://<host>:<port>` (`https://` with TLS)",
    meaning:
      "The pager's address as the people paged can reach it; pages tell them to acknowledge there.",
  },
  consoleDir: {
    kind: "text",
    name: "PAGER_CONSOLE_DIR",
    fallback: "dist/console",
    meaning:
      'The built [web console](#web-console) (`npm run build`) the pager serves at `/`. When it holds no `index.html` the API is served as usual, `/` answers 503 saying how to build it, and the start line says `"console":"not served: …"`.',
  },
} as const satisfies Record<string, Setting>;

/** Every variable the pager reads, in the order `--help` and the README list them. */
export function pagerSettingList(): Setting[] {
  return [
    ...processSettingList("PAGER", PAGER_DEFAULTS),
    ...Object.values(PAGER_SETTINGS),
    ...Object.values(ACK_TIMER_SETTINGS),
    ...Object.values(CHANNEL_SETTINGS),
    ...Object.values(AUTH_SETTINGS),
    ...Object.values(TIMELINE_SETTINGS),
  ];
}

/** Parses the environment; throws a message naming the variable on bad values. */
export function readConfig(env: Env): PagerConfig {
  const workerLeaseMs = integer(env, PAGER_SETTINGS.workerLeaseMs);
  const base = readProcessSettings(env, "PAGER", PAGER_DEFAULTS);
  return {
    ...base,
    timerWorker: flag(env, PAGER_SETTINGS.timerWorker),
    timers: readAckTimerSettings(env, base.dataDir),
    dispatcher: flag(env, PAGER_SETTINGS.dispatcher),
    workerLeaseMs,
    eventTransactions: integer(env, PAGER_SETTINGS.eventTransactions),
    maxDeliveryAttempts: integer(env, PAGER_SETTINGS.maxDeliveryAttempts),
    deliveryRetryBaseMs: integer(env, PAGER_SETTINGS.deliveryRetryBaseMs),
    deliveryTimeoutMs: deliveryTimeout(env, workerLeaseMs),
    publicUrl: optionalUrl(env, PAGER_SETTINGS.publicUrl)?.href.replace(/\/$/, "") ?? null,
    retentionMs: duration(env, PAGER_SETTINGS.retention),
    channels: readChannelSettings(env),
    timeline: readTimelineSettings(env),
    auth: readAuthSettings(env, base.dataDir),
    consoleDir: text(env, PAGER_SETTINGS.consoleDir),
  };
}

/**
 * A delivery must end before its claim does: otherwise another process takes
 * the page over while it is still being sent, and the person is paged twice.
 */
function deliveryTimeout(env: Env, leaseMs: number): number {
  const setting = PAGER_SETTINGS.deliveryTimeoutMs;
  const timeoutMs = integer(env, setting, Math.min(setting.fallback, Math.floor(leaseMs / 2)));
  if (timeoutMs >= leaseMs) {
    throw new Error(
      `PAGER_DELIVERY_TIMEOUT_MS=${timeoutMs} must be shorter than PAGER_WORKER_LEASE_MS=${leaseMs}`,
    );
  }
  return timeoutMs;
}
