import { type EntityManager, Not } from "typeorm";
import type { ListCursor } from "../../../platform/listing/list-cursor.js";
import { afterId } from "../../../platform/postgres/keyset.js";
import type { MonitoredServiceStore } from "../../app/ports.js";
import type { MonitoredService } from "../../domain/monitored-service.js";
import { MonitoredServiceEntity } from "./entities/monitored-service-entity.js";

/** Services in PostgreSQL; `lock` is the row lock every alert event serialises on. */
export class TypeormMonitoredServiceStore implements MonitoredServiceStore {
  private readonly repo;

  constructor(manager: EntityManager) {
    this.repo = manager.getRepository(MonitoredServiceEntity);
  }

  lock(id: string): Promise<MonitoredService | null> {
    return this.repo.findOne({ where: { id }, lock: { mode: "pessimistic_write" } });
  }

  get(id: string): Promise<MonitoredService | null> {
    return this.repo.findOneBy({ id });
  }

  list(page: ListCursor): Promise<MonitoredService[]> {
    return this.repo.find({ where: afterId(page), order: { id: "ASC" }, take: page.limit });
  }

  async insert(service: MonitoredService): Promise<void> {
    await this.repo.insert({ ...service });
  }

  /** Alert events and renames only ever change these columns; writing them alone keeps the hot path's UPDATE small. */
  async update(service: MonitoredService): Promise<void> {
    await this.repo.update(
      { id: service.id },
      {
        name: service.name,
        escalationPolicyId: service.escalationPolicyId,
        health: service.health,
        activeAlertId: service.activeAlertId,
        updateTime: service.updateTime,
      },
    );
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  isPolicyInUse(policyId: string): Promise<boolean> {
    return this.repo.exists({ where: { escalationPolicyId: policyId } });
  }

  isNameTaken(name: string, exceptId: string | null): Promise<boolean> {
    return this.repo.exists({
      where: exceptId === null ? { name } : { name, id: Not(exceptId) },
    });
  }
}
