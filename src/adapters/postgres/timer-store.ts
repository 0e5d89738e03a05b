import type { EntityManager } from "typeorm";
import type { TimerStore } from "../../app/ports.js";
import type { TimerRequest } from "../../domain/escalation.js";
import { AckTimerEntity } from "./entities/ack-timer-entity.js";

/** Acknowledgement timers as rows, written in the escalation's transaction. */
export class TypeormTimerStore implements TimerStore {
  private readonly repo;

  constructor(private readonly manager: EntityManager) {
    this.repo = manager.getRepository(AckTimerEntity);
  }

  async set(timer: TimerRequest): Promise<void> {
    await this.manager
      .createQueryBuilder()
      .insert()
      .into(AckTimerEntity)
      .values({ alertId: timer.alertId, level: timer.level, fireTime: timer.fireTime })
      .orIgnore()
      .updateEntity(false)
      .execute();
  }

  async cancelForAlert(alertId: string): Promise<void> {
    await this.repo.delete({ alertId });
  }

  async consume(alertId: string, level: number): Promise<void> {
    await this.repo.delete({ alertId, level });
  }
}
