import type { EntityManager } from "typeorm";
import type { ListCursor } from "../../../platform/listing/list-cursor.js";
import { afterId, idOrder } from "../../../platform/postgres/keyset.js";
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

  list(filter: AlertFilter, page: ListCursor): Promise<Alert[]> {
    return this.repo.find({
      where: {
        ...afterId(page),
        ...(filter.monitoredServiceId === null
          ? {}
          : { monitoredServiceId: filter.monitoredServiceId }),
        ...(filter.state === null ? {} : { state: filter.state }),
      },
      order: { id: idOrder(page) },
      take: page.limit,
    });
  }
}
