import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import {
  DeliveryError,
  type NotificationChannel,
  type PageDelivery,
} from "../../app/notification-channel.js";
import type { Clock } from "../../app/ports.js";
import { decideRetry, type RetryPolicy } from "../../domain/delivery-retry.js";
import type { Target } from "../../domain/target.js";
import type { LoopBody } from "../workers/polling-loop.js";

/** How the dispatcher paces itself. */
export interface DispatcherOptions {
  readonly batchSize: number;
  /** How long a claim lasts; a dispatcher that dies holding pages delays them this long at most. */
  readonly leaseMs: number;
  readonly maxIdleMs: number;
  readonly retry: RetryPolicy;
}

interface ClaimedRow {
  id: string;
  alert_id: string;
  level: number;
  target: Target;
  attempts: number;
  monitored_service_id: string;
  service_name: string;
  message: string;
}

const MAX_ERROR_LENGTH = 1000;

/**
 * Delivers the outbox. Pages are claimed with SKIP LOCKED and a lease, so any
 * number of processes can dispatch and a page claimed by a process that died
 * is delivered by another once the lease runs out.
 */
export class NotificationDispatcher implements LoopBody {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly channelFor: (target: Target) => NotificationChannel,
    private readonly logger: Logger,
    private readonly options: DispatcherOptions,
    private readonly random: () => number = Math.random,
  ) {}

  async tick(): Promise<number> {
    const now = this.clock.now();
    const claimed = await this.claim(now);
    await Promise.all(claimed.map((row) => this.deliver(row)));
    if (claimed.length === this.options.batchSize) return 0;
    return this.untilNext(now);
  }

  private claim(now: Date): Promise<ClaimedRow[]> {
    return this.dataSource.query(
      `WITH claimed AS (
         UPDATE notifications n SET claimed_until = $2
           FROM (SELECT id FROM notifications
                  WHERE state = 'pending' AND next_attempt_time <= $1
                    AND (claimed_until IS NULL OR claimed_until < $1)
                  ORDER BY next_attempt_time LIMIT $3 FOR UPDATE SKIP LOCKED) due
          WHERE n.id = due.id
          RETURNING n.id, n.alert_id, n.level, n.target, n.attempts)
       SELECT c.*, a.monitored_service_id, s.name AS service_name, a.message
         FROM claimed c
         JOIN alerts a ON a.id = c.alert_id
         JOIN monitored_services s ON s.id = a.monitored_service_id`,
      [now, new Date(now.getTime() + this.options.leaseMs), this.options.batchSize],
    );
  }

  private async deliver(row: ClaimedRow): Promise<void> {
    const page: PageDelivery = {
      notificationId: row.id,
      alertId: row.alert_id,
      level: row.level,
      target: row.target,
      monitoredServiceId: row.monitored_service_id,
      serviceName: row.service_name,
      message: row.message,
    };
    const attempts = row.attempts + 1;
    try {
      await this.channelFor(row.target).send(page);
      await this.dataSource.query(
        `UPDATE notifications SET state = 'sent', send_time = $2, attempts = $3, last_error = '',
                claimed_until = NULL WHERE id = $1 AND state = 'pending'`,
        [row.id, this.clock.now(), attempts],
      );
    } catch (error) {
      await this.recordFailure(row, attempts, error);
    }
  }

  private async recordFailure(row: ClaimedRow, attempts: number, error: unknown): Promise<void> {
    const permanent = error instanceof DeliveryError && error.permanent;
    const reason = (error instanceof Error ? error.message : String(error)).slice(
      0,
      MAX_ERROR_LENGTH,
    );
    const decision = decideRetry(this.options.retry, attempts, permanent, this.random());
    const now = this.clock.now();
    const retryAt = decision.kind === "retry" ? new Date(now.getTime() + decision.delayMs) : now;
    await this.dataSource.query(
      `UPDATE notifications SET state = $2, attempts = $3, last_error = $4,
              next_attempt_time = $5, claimed_until = NULL WHERE id = $1 AND state = 'pending'`,
      [row.id, decision.kind === "retry" ? "pending" : "failed", attempts, reason, retryAt],
    );
    this.logger.warn(
      { notification_id: row.id, alert_id: row.alert_id, level: row.level, attempts, reason },
      decision.kind === "retry" ? "page delivery failed; will retry" : "page delivery failed",
    );
  }

  private async untilNext(now: Date): Promise<number> {
    const [row]: { next: Date | null }[] = await this.dataSource.query(
      `SELECT min(greatest(next_attempt_time, coalesce(claimed_until, next_attempt_time))) AS next
         FROM notifications WHERE state = 'pending'`,
    );
    if (row?.next == null) return this.options.maxIdleMs;
    return Math.min(this.options.maxIdleMs, Math.max(0, row.next.getTime() - now.getTime()));
  }
}
