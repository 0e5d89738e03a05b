import { failedPrecondition } from "../../platform/errors/domain-error.js";
import type { Alert } from "../domain/alert.js";
import { requireId } from "../domain/resource-id.js";
import type { AlertChangeFeed } from "./alert-change-feed.js";
import type { AlertWatch } from "./alert-watch.js";
import { comparePositions, decodeResumeToken, type FeedPosition } from "./feed-position.js";
import type { AlertChange, AlertChangeLog } from "./ports.js";

/** WatchAlerts' input as the transport hands it over. */
export interface WatchAlertsInput {
  readonly monitoredServiceId: string;
  readonly resumeToken: string;
}

/** One message of the stream; each but an active alert says where a resume continues. */
export type WatchUpdate =
  | { readonly kind: "active-alert"; readonly alert: Alert }
  | { readonly kind: "snapshot-complete"; readonly position: FeedPosition }
  | { readonly kind: "change"; readonly change: AlertChange }
  | { readonly kind: "progress"; readonly position: FeedPosition };

/** A quiet stream says it is alive this often, so proxies keep it open and its token stays fresh. */
export const WATCH_PROGRESS_INTERVAL_MS = 30_000;

/**
 * Streams the active alerts, then every committed change, for as long as
 * the client reads. Without a token the stream opens with a snapshot whose
 * position is its first resume token; with one it continues right after it,
 * first reading the log by itself, then from the feed every replica's
 * commits reach. Changes are delivered in commit order, each once; the
 * snapshot may already show the effect of the first changes that follow it,
 * so clients apply changes as replacements of the alert they carry.
 */
export async function* watchAlerts(
  feed: AlertChangeFeed,
  input: WatchAlertsInput,
  signal: AbortSignal,
): AsyncGenerator<WatchUpdate> {
  const serviceId =
    input.monitoredServiceId === ""
      ? null
      : requireId(input.monitoredServiceId, "monitored_service_id");
  const resumeFrom = input.resumeToken === "" ? null : decodeResumeToken(input.resumeToken);
  const watch = feed.openWatch(serviceId);
  try {
    if (resumeFrom === null) {
      const snapshot = await feed.log.snapshot(serviceId);
      for (const alert of snapshot.alerts) yield { kind: "active-alert", alert };
      watch.position = snapshot.position;
      yield { kind: "snapshot-complete", position: snapshot.position };
    } else {
      await requireResumable(feed.log, resumeFrom);
      watch.position = resumeFrom;
      yield { kind: "progress", position: resumeFrom };
    }
    yield* catchUp(feed, watch);
    for (;;) {
      const change = await watch.next(signal, WATCH_PROGRESS_INTERVAL_MS);
      yield change === null
        ? { kind: "progress", position: watch.position }
        : { kind: "change", change };
    }
  } finally {
    feed.closeWatch(watch);
  }
}

/** Reads the log for one watch until it stands where the shared reader does, then joins it. */
async function* catchUp(feed: AlertChangeFeed, watch: AlertWatch): AsyncGenerator<WatchUpdate> {
  for (;;) {
    watch.throwIfEnded();
    const batch = await feed.log.readAfter(watch.position, feed.options.batchSize);
    for (const change of batch.changes) {
      if (watch.wants(change)) yield { kind: "change", change };
    }
    watch.position = batch.position;
    watch.throwIfEnded();
    if (!batch.full && feed.tryAttach(watch)) return;
  }
}

/** A token the log can no longer honour must not silently skip changes. */
async function requireResumable(log: AlertChangeLog, from: FeedPosition): Promise<void> {
  const { horizon, newest } = await log.bounds();
  if (comparePositions(from, horizon) < 0) {
    throw failedPrecondition(
      "RESUME_TOKEN_EXPIRED",
      "resume_token: changes after it are no longer kept; watch again without a token to start from a snapshot",
    );
  }
  if (from.xid > newest.xid) {
    throw failedPrecondition(
      "RESUME_TOKEN_UNKNOWN",
      "resume_token: this database never issued it; watch again without a token to start from a snapshot",
    );
  }
}
