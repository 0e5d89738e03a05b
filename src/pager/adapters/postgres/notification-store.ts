import type { EntityManager } from "typeorm";
import type { ListCursor } from "../../../platform/listing/list-cursor.js";
import { afterId } from "../../../platform/postgres/keyset.js";
import type { NotificationStore } from "../../app/ports.js";
import type { Notification } from "../../domain/notification.js";
import { NotificationEntity, type NotificationRow } from "./entities/notification-entity.js";

/** The outbox in PostgreSQL. */
export class TypeormNotificationStore implements NotificationStore {
  private readonly repo;

  constructor(readonly manager: EntityManager) {
    this.repo = manager.getRepository(NotificationEntity);
  }

  async get(id: string): Promise<Notification | null> {
    const row = await this.repo.findOneBy({ id });
    return row === null ? null : toNotification(row);
  }

  async list(alertId: string | null, page: ListCursor): Promise<Notification[]> {
    const rows = await this.repo.find({
      where: { ...afterId(page), ...(alertId === null ? {} : { alertId }) },
      order: { id: "ASC" },
      take: page.limit,
    });
    return rows.map(toNotification);
  }

  async lock(id: string): Promise<Notification | null> {
    const row = await this.repo.findOne({ where: { id }, lock: { mode: "pessimistic_write" } });
    return row === null ? null : toNotification(row);
  }

  async requeue(id: string, now: Date): Promise<void> {
    await this.repo.update(
      { id },
      {
        state: "pending",
        nextAttemptTime: now,
        claimedUntil: null,
        attemptsAtRetry: () => "attempts",
      },
    );
  }
}

/** Drops the dispatcher's bookkeeping columns that are not part of the resource. */
export function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    alertId: row.alertId,
    level: row.level,
    target: row.target,
    state: row.state,
    attempts: row.attempts,
    lastError: row.lastError,
    createTime: row.createTime,
    sendTime: row.sendTime,
    providerMessageId: row.providerMessageId,
  };
}
