import type { EntityManager } from "typeorm";
import type { ListCursor } from "../../../platform/listing/list-cursor.js";
import { afterId } from "../../../platform/postgres/keyset.js";
import type { AlertFilter, AlertStore } from "../../app/ports.js";
import type { Alert } from "../../domain/alert.js";
import { AlertEntity } from "./entities/alert-entity.js";

/** Alerts in PostgreSQL; the partial unique index keeps one unresolved alert per service. */
export class TypeormAlertStore implements AlertStore {
  private readonly repo;

  constructor(manager: EntityManager) {
    this.repo = manager.getRepository(AlertEntity);
  }

  get(id: string): Promise<Alert | null> {
    return this.repo.findOneBy({ id });
  }

  /**
   * FOR NO KEY UPDATE: writers of an alert still serialise, but rows that
   * only reference it (timeline entries a dispatcher writes, whose foreign
   * key takes KEY SHARE) never wait for them, nor they for those.
   */
  lock(id: string): Promise<Alert | null> {
    return this.repo.findOne({ where: { id }, lock: { mode: "for_no_key_update" } });
  }

  list(filter: AlertFilter, page: ListCursor): Promise<Alert[]> {
    return this.repo.find({
      where: {
        ...afterId(page),
        ...(filter.monitoredServiceId === null
          ? {}
          : { monitoredServiceId: filter.monitoredServiceId }),
        ...(filter.state === null ? {} : { state: filter.state }),
      },
      order: { id: "ASC" },
      take: page.limit,
    });
  }

  async insert(alert: Alert): Promise<void> {
    await this.repo.insert({ ...alert, details: { ...alert.details }, levels: [...alert.levels] });
  }

  /** Writes only what events change; the rest of an alert never moves. */
  async update(alert: Alert): Promise<void> {
    await this.repo.update(
      { id: alert.id },
      {
        state: alert.state,
        currentLevel: alert.currentLevel,
        levelStartTime: alert.levelStartTime,
        acknowledgedBy: alert.acknowledgedBy,
        acknowledgeTime: alert.acknowledgeTime,
        resolveTime: alert.resolveTime,
        signalCount: alert.signalCount,
        lastSignalTime: alert.lastSignalTime,
      },
    );
  }
}
