import { Code } from "@connectrpc/connect";
import type { AlertEvent } from "../../gen/pager/v1/alert_event_pb.js";
import type { Alert } from "../../gen/pager/v1/alert_pb.js";
import type { Api } from "./api.js";
import { refusalOf } from "./errors.js";
import { isActive } from "./format.js";

/** Whether the page is up to date: in words, for the status line. */
export type FeedStatus = "connecting" | "live" | "reconnecting";

/** The latest alerts read at start, and the most resolved ones kept besides the active. */
const RECENT_LIMIT = 200;
const RECONNECT_DELAY_MS = 1000;

/**
 * Every alert the console shows, kept current by WatchAlerts: the active
 * alerts from its snapshot, then each change as it commits, on any replica.
 * A broken stream is resumed with its last token, so nothing is missed;
 * a token the server no longer knows starts over with a fresh snapshot.
 */
export class AlertFeed {
  private readonly alerts = new Map<string, Alert>();
  private readonly listeners = new Set<() => void>();
  private readonly eventListeners = new Set<(event: AlertEvent) => void>();
  private readonly abort = new AbortController();
  private resumeToken = "";
  private currentStatus: FeedStatus = "connecting";

  constructor(
    private readonly api: Api,
    /** Called once when the server no longer accepts the key (revoked, expired). */
    private readonly onSignedOut: (message: string) => void,
  ) {}

  get status(): FeedStatus {
    return this.currentStatus;
  }

  /** Active first, then the most recent; newest first within each. */
  list(): Alert[] {
    return [...this.alerts.values()].sort((a, b) => {
      const active = Number(isActive(b.state)) - Number(isActive(a.state));
      return active !== 0 ? active : b.id.localeCompare(a.id);
    });
  }

  get(id: string): Alert | undefined {
    return this.alerts.get(id);
  }

  /** Calls `listener` after every change; returns how to stop. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` with every timeline entry as it commits. */
  onEvent(listener: (event: AlertEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.abort.abort();
  }

  private async run(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      try {
        await this.watch(signal);
      } catch (error) {
        if (signal.aborted) return;
        const refusal = refusalOf(error);
        if (refusal.code === Code.Unauthenticated) {
          this.onSignedOut(refusal.message);
          return;
        }
        // The token is too old, or from another database: start over with a snapshot.
        if (refusal.code === Code.FailedPrecondition || refusal.code === Code.InvalidArgument) {
          this.resumeToken = "";
        }
      }
      if (signal.aborted) return;
      this.setStatus("reconnecting");
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
    }
  }

  private async watch(signal: AbortSignal): Promise<void> {
    const stream = this.api.pager.watchAlerts({ resumeToken: this.resumeToken }, { signal });
    for await (const message of stream) {
      const update = message.update;
      switch (update.case) {
        case "activeAlert":
          this.alerts.set(update.value.id, update.value);
          break;
        case "snapshotComplete":
          this.setStatus("live");
          await this.loadRecent();
          break;
        case "change":
          if (update.value.alert !== undefined) {
            this.alerts.set(update.value.alert.id, update.value.alert);
            if (!isActive(update.value.alert.state)) this.forgetOldResolved();
          }
          if (update.value.event !== undefined) {
            for (const listener of this.eventListeners) listener(update.value.event);
          }
          break;
        case "progress":
          this.setStatus("live");
          break;
      }
      if (message.resumeToken !== "") this.resumeToken = message.resumeToken;
      this.notify();
    }
  }

  /**
   * Adds the latest resolved alerts, one page newest first. Active ones come
   * from the stream only: a listed alert that the snapshot lacks was resolved
   * since, or is newer and arrives as a change.
   */
  private async loadRecent(): Promise<void> {
    const { alerts } = await this.api.pager.listAlerts({
      orderBy: "create_time desc",
      pageSize: RECENT_LIMIT,
    });
    for (const alert of alerts) {
      if (!isActive(alert.state) && !this.alerts.has(alert.id)) this.alerts.set(alert.id, alert);
    }
  }

  /** Keeps the newest resolved alerts only, so a tab left open through a storm stays small. */
  private forgetOldResolved(): void {
    const resolved = [...this.alerts.values()]
      .filter((alert) => !isActive(alert.state))
      .map((alert) => alert.id)
      .sort()
      .reverse();
    for (const id of resolved.slice(RECENT_LIMIT)) this.alerts.delete(id);
  }

  private setStatus(status: FeedStatus): void {
    if (this.currentStatus === status) return;
    this.currentStatus = status;
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
