import type { EntityManager } from "typeorm";
import type { AckTimerStore } from "../../app/ports.js";
import type { TimerRequest } from "../../domain/escalation.js";
import { AckTimerEntity } from "./entities/ack-timer-entity.js";

/** Acknowledgement timers as rows, written in the escalation's transaction. */
export class TypeormAckTimerStore implements AckTimerStore {
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

  /**
   * A timer no process has in hand is deleted; one handed to a timer service
   * (or being handed, or fired, right now) is marked cancelled instead, for
   * the relay to cancel it there and then delete it.
   */
  async cancelForAlert(alertId: string, now: Date): Promise<void> {
    // One statement: both parts see the same snapshot, so the UPDATE skips
    // exactly the rows the DELETE removes.
    await this.manager.query(
      `WITH removed AS (
         DELETE FROM ack_timers WHERE alert_id = $1 AND delivered_time IS NULL
            AND (claimed_until IS NULL OR claimed_until < $2)
         RETURNING level)
       UPDATE ack_timers SET cancel_time = $2
        WHERE alert_id = $1 AND cancel_time IS NULL
          AND level NOT IN (SELECT level FROM removed)`,
      [alertId, now],
    );
  }

  async consume(alertId: string, level: number): Promise<void> {
    await this.repo.delete({ alertId, level });
  }
}
