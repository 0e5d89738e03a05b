import type { DataSource } from "typeorm";
import type { AlertDetails } from "../../domain/alert-details.js";
import type { Target } from "../../domain/target.js";

/** A claimed page with what its message needs from the alert and the service. */
export interface ClaimedPage {
  readonly id: string;
  readonly alertId: string;
  readonly level: number;
  readonly target: Target;
  readonly attempts: number;
  /** Attempts already made when an operator last retried the page. */
  readonly attemptsAtRetry: number;
  readonly monitoredServiceId: string;
  readonly serviceName: string;
  readonly message: string;
  readonly details: AlertDetails;
  readonly dedupKey: string;
}

/** A page its provider accepted. */
export interface SentPage {
  readonly id: string;
  readonly sendTime: Date;
  readonly attempts: number;
  readonly providerId: string;
}

/** A failed attempt: due again at `retryAt`, or given up when that is null. */
export interface FailedAttempt {
  readonly id: string;
  readonly attempts: number;
  readonly reason: string;
  readonly retryAt: Date | null;
}

interface ClaimedRow {
  id: string;
  alert_id: string;
  level: number;
  target: Target;
  attempts: number;
  attempts_at_retry: number;
  monitored_service_id: string;
  service_name: string;
  message: string;
  details: Record<string, string>;
  dedup_key: string;
}

/**
 * The dispatcher's SQL on the notifications table. Every write checks the
 * row is still pending, so a late outcome never overwrites an operator's
 * decision or another dispatcher's result.
 */
export class NotificationOutbox {
  constructor(private readonly dataSource: DataSource) {}

  /** Claims up to `limit` due pages until `until`; SKIP LOCKED lets processes share the work. */
  async claim(now: Date, until: Date, limit: number): Promise<ClaimedPage[]> {
    const rows: ClaimedRow[] = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE notifications n SET claimed_until = $2
           FROM (SELECT id FROM notifications
                  WHERE state = 'pending' AND next_attempt_time <= $1
                    AND (claimed_until IS NULL OR claimed_until < $1)
                  ORDER BY next_attempt_time LIMIT $3 FOR UPDATE SKIP LOCKED) due
          WHERE n.id = due.id
          RETURNING n.id, n.alert_id, n.level, n.target, n.attempts, n.attempts_at_retry)
       SELECT c.*, a.monitored_service_id, s.name AS service_name, a.message, a.details,
              a.dedup_key
         FROM claimed c
         JOIN alerts a ON a.id = c.alert_id
         JOIN monitored_services s ON s.id = a.monitored_service_id`,
      [now, until, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      alertId: row.alert_id,
      level: row.level,
      target: row.target,
      attempts: row.attempts,
      attemptsAtRetry: row.attempts_at_retry,
      monitoredServiceId: row.monitored_service_id,
      serviceName: row.service_name,
      message: row.message,
      details: row.details,
      dedupKey: row.dedup_key,
    }));
  }

  /** Marks pages SENT in one statement, however many. */
  async markSent(pages: readonly SentPage[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE notifications n SET state = 'sent', send_time = s.send_time, attempts = s.attempts,
              last_error = '', provider_message_id = s.provider_id, claimed_until = NULL
         FROM unnest($1::uuid[], $2::timestamptz[], $3::int[], $4::text[])
              AS s (id, send_time, attempts, provider_id)
        WHERE n.id = s.id AND n.state = 'pending'`,
      [
        pages.map((page) => page.id),
        pages.map((page) => page.sendTime),
        pages.map((page) => page.attempts),
        pages.map((page) => page.providerId),
      ],
    );
  }

  /** Records a failed attempt: pending again until `retryAt`, or FAILED. */
  async markFailed(attempt: FailedAttempt, now: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE notifications SET state = $2, attempts = $3, last_error = $4,
              next_attempt_time = $5, claimed_until = NULL WHERE id = $1 AND state = 'pending'`,
      [
        attempt.id,
        attempt.retryAt === null ? "failed" : "pending",
        attempt.attempts,
        attempt.reason,
        attempt.retryAt ?? now,
      ],
    );
  }

  /** How many pages of one escalation level there are, and how many of them have FAILED. */
  async levelOutcome(alertId: string, level: number): Promise<{ pages: number; failed: number }> {
    const [row]: { pages: number; failed: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS pages, count(*) FILTER (WHERE state = 'failed')::int AS failed
         FROM notifications WHERE alert_id = $1 AND level = $2`,
      [alertId, level],
    );
    return row ?? { pages: 0, failed: 0 };
  }

  /** When the next pending page becomes due or its claim runs out; null when none is pending. */
  async nextDue(): Promise<Date | null> {
    const [row]: { next: Date | null }[] = await this.dataSource.query(
      `SELECT min(greatest(next_attempt_time, coalesce(claimed_until, next_attempt_time))) AS next
         FROM notifications WHERE state = 'pending'`,
    );
    return row?.next ?? null;
  }
}
