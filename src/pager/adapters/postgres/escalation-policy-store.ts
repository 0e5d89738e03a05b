import type { EntityManager } from "typeorm";
import type { ListCursor } from "../../../platform/listing/list-cursor.js";
import { afterId } from "../../../platform/postgres/keyset.js";
import type { EscalationPolicyStore } from "../../app/ports.js";
import type { EscalationPolicy } from "../../domain/escalation-policy.js";
import { EscalationPolicyEntity } from "./entities/escalation-policy-entity.js";

const LOCK_MODES = { share: "pessimistic_read", update: "pessimistic_write" } as const;

/** Policies in PostgreSQL, levels as one JSON document. */
export class TypeormEscalationPolicyStore implements EscalationPolicyStore {
  private readonly repo;

  constructor(manager: EntityManager) {
    this.repo = manager.getRepository(EscalationPolicyEntity);
  }

  get(id: string): Promise<EscalationPolicy | null> {
    return this.repo.findOneBy({ id });
  }

  lock(id: string, mode: "share" | "update"): Promise<EscalationPolicy | null> {
    return this.repo.findOne({ where: { id }, lock: { mode: LOCK_MODES[mode] } });
  }

  list(page: ListCursor): Promise<EscalationPolicy[]> {
    return this.repo.find({ where: afterId(page), order: { id: "ASC" }, take: page.limit });
  }

  async insert(policy: EscalationPolicy): Promise<void> {
    await this.repo.insert({ ...policy, levels: [...policy.levels] });
  }

  async update(policy: EscalationPolicy): Promise<void> {
    const { id, ...changes } = policy;
    await this.repo.update({ id }, { ...changes, levels: [...changes.levels] });
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }
}
