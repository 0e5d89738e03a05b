import type { DataSource } from "typeorm";
import { CoalescingWriter } from "../../../platform/workers/coalescing-writer.js";
import type {
  ClaimedPage,
  FailedAttempt,
  LevelOutcome,
  NotificationOutbox,
  SentPage,
} from "../../app/worker-ports.js";
import type { Target } from "../../domain/target.js";
import { eventRecords, insertEventsSql } from "./alert-event-rows.js";

/**
 * The timeline entries bound at `param`, of the pages the statement's
 * `marked` CTE changed: a page another dispatcher or an operator got to
 * first is not marked, and gets no entry.
 */
const INSERT_EVENTS_OF_MARKED = (param: string) =>
  insertEventsSql(param, "(e.detail->>'notificationId')::uuid IN (SELECT id FROM marked)");

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
  create_time: Date;
}

/**
 * The dispatcher's SQL on the notifications table. Claims use FOR UPDATE
 * SKIP LOCKED plus a lease in `claimed_until`, so processes share the work
 * without waiting on each other. Under load, pages sent together are marked
 * SENT in one statement, not one each.
 */
export class PostgresNotificationOutbox implements NotificationOutbox {
  private readonly sent: CoalescingWriter<SentPage>;

  constructor(private readonly dataSource: DataSource) {
    this.sent = new CoalescingWriter((pages) => this.writeSent(pages));
  }

  async claim(now: Date, limit: number, leaseMs: number): Promise<ClaimedPage[]> {
    const rows: ClaimedRow[] = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE notifications n SET claimed_until = $2
           FROM (SELECT id FROM notifications
                  WHERE state = 'pending' AND next_attempt_time <= $1
                    AND (claimed_until IS NULL OR claimed_until < $1)
                  ORDER BY next_attempt_time LIMIT $3 FOR UPDATE SKIP LOCKED) due
          WHERE n.id = due.id
          RETURNING n.id, n.alert_id, n.level, n.target, n.attempts, n.attempts_at_retry,
                    n.create_time)
       SELECT c.*, a.monitored_service_id, s.name AS service_name, a.message, a.details,
              a.dedup_key
         FROM claimed c
         JOIN alerts a ON a.id = c.alert_id
         JOIN monitored_services s ON s.id = a.monitored_service_id`,
      [now, new Date(now.getTime() + leaseMs), limit],
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
      queueTime: row.create_time,
    }));
  }

  async nextDueTime(): Promise<Date | null> {
    const [row]: { next: Date | null }[] = await this.dataSource.query(
      `SELECT min(greatest(next_attempt_time, coalesce(claimed_until, next_attempt_time))) AS next
         FROM notifications WHERE state = 'pending'`,
    );
    return row?.next ?? null;
  }

  markSent(page: SentPage): Promise<void> {
    return this.sent.add(page);
  }

  async markFailed(attempt: FailedAttempt, now: Date): Promise<void> {
    await this.dataSource.query(
      `WITH marked AS (
         UPDATE notifications SET state = $2, attempts = $3, last_error = $4,
                next_attempt_time = $5, claimed_until = NULL
          WHERE id = $1 AND state = 'pending'
          RETURNING id)
       ${INSERT_EVENTS_OF_MARKED("$6")}`,
      [
        attempt.id,
        attempt.retryAt === null ? "failed" : "pending",
        attempt.attempts,
        attempt.reason,
        attempt.retryAt ?? now,
        eventRecords([attempt.event]),
      ],
    );
  }

  async levelOutcome(alertId: string, level: number): Promise<LevelOutcome> {
    const [row]: LevelOutcome[] = await this.dataSource.query(
      `SELECT count(*)::int AS pages, count(*) FILTER (WHERE state = 'failed')::int AS failed
         FROM notifications WHERE alert_id = $1 AND level = $2`,
      [alertId, level],
    );
    return row ?? { pages: 0, failed: 0 };
  }

  /** Marks pages SENT, with their timeline entries, in one statement, however many. */
  private async writeSent(pages: readonly SentPage[]): Promise<void> {
    await this.dataSource.query(
      `WITH marked AS (
         UPDATE notifications n SET state = 'sent', send_time = s.send_time,
                attempts = s.attempts, last_error = '', provider_message_id = s.provider_id,
                claimed_until = NULL
           FROM unnest($1::uuid[], $2::timestamptz[], $3::int[], $4::text[])
                AS s (id, send_time, attempts, provider_id)
          WHERE n.id = s.id AND n.state = 'pending'
          RETURNING n.id)
       ${INSERT_EVENTS_OF_MARKED("$5")}`,
      [
        pages.map((page) => page.id),
        pages.map((page) => page.sendTime),
        pages.map((page) => page.attempts),
        pages.map((page) => page.providerId),
        eventRecords(pages.map((page) => page.event)),
      ],
    );
  }
}
