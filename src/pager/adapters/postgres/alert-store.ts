import type { EntityManager } from "typeorm";
import type { AlertStore } from "../../app/ports.js";
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
}
