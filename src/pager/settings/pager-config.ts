import {
  type ProcessSettings,
  readProcessSettings,
} from "../../platform/program/process-settings.js";
import { type Env, flag, integer, optionalUrl } from "../../platform/settings/env-values.js";
import type { ChannelSettings } from "../adapters/channels/channel-setup.js";
import { type AckTimerSettings, readAckTimerSettings } from "./ack-timer-settings.js";
import { type AuthSettings, readAuthSettings } from "./auth-settings.js";
import { readChannelSettings } from "./channel-settings.js";
import { readTimelineSettings, type TimelineSettings } from "./timeline-settings.js";

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
  readonly maxDeliveryAttempts: number;
  /** First retry delay of a page; each further retry waits about twice as long. */
  readonly deliveryRetryBaseMs: number;
  /** Longest one delivery attempt may take; always shorter than the worker lease. */
  readonly deliveryTimeoutMs: number;
  /** Base of the acknowledgement command in pages; null: `http://<host>:<port>` as listening (`https://` with TLS). */
  readonly publicUrl: string | null;
  readonly channels: ChannelSettings;
  /** Acknowledgement links and live watches. */
  readonly timeline: TimelineSettings;
  readonly auth: AuthSettings;
}

/** Parses the environment; throws a message naming the variable on bad values. */
export function readConfig(env: Env): PagerConfig {
  const workerLeaseMs = integer(env, "PAGER_WORKER_LEASE_MS", 30_000, 1000, 3_600_000);
  const base = readProcessSettings(env, "PAGER", {
    port: 50051,
    dataDir: ".pager-data/postgres",
    dbPoolSize: 20,
    databaseUrlFrom: ["DATABASE_URL"],
  });
  return {
    ...base,
    timerWorker: flag(env, "PAGER_TIMER_WORKER", true),
    timers: readAckTimerSettings(env, base.dataDir),
    dispatcher: flag(env, "PAGER_DISPATCHER", true),
    workerLeaseMs,
    maxDeliveryAttempts: integer(env, "PAGER_MAX_DELIVERY_ATTEMPTS", 5, 1, 100),
    deliveryRetryBaseMs: integer(env, "PAGER_DELIVERY_RETRY_BASE_MS", 1000, 1, 3_600_000),
    deliveryTimeoutMs: deliveryTimeout(env, workerLeaseMs),
    publicUrl:
      optionalUrl(env, "PAGER_PUBLIC_URL", ["http:", "https:"])?.href.replace(/\/$/, "") ?? null,
    channels: readChannelSettings(env),
    timeline: readTimelineSettings(env),
    auth: readAuthSettings(env, base.dataDir),
  };
}

/**
 * A delivery must end before its claim does: otherwise another process takes
 * the page over while it is still being sent, and the person is paged twice.
 */
function deliveryTimeout(env: Env, leaseMs: number): number {
  const fallback = Math.min(10_000, Math.floor(leaseMs / 2));
  const timeoutMs = integer(env, "PAGER_DELIVERY_TIMEOUT_MS", fallback, 100, 600_000);
  if (timeoutMs >= leaseMs) {
    throw new Error(
      `PAGER_DELIVERY_TIMEOUT_MS=${timeoutMs} must be shorter than PAGER_WORKER_LEASE_MS=${leaseMs}`,
    );
  }
  return timeoutMs;
}
