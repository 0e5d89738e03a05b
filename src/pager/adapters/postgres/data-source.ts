import { DataSource } from "typeorm";
import {
  connectionOptions,
  type DatabaseOptions,
  initializeMigrated,
} from "../../../platform/postgres/database-setup.js";
import { AckTimerEntity } from "./entities/ack-timer-entity.js";
import { AlertEntity } from "./entities/alert-entity.js";
import { ApiKeyEntity } from "./entities/api-key-entity.js";
import { EscalationPolicyEntity } from "./entities/escalation-policy-entity.js";
import { MonitoredServiceEntity } from "./entities/monitored-service-entity.js";
import { NotificationEntity } from "./entities/notification-entity.js";
import { InitialSchema1764201600000 } from "./migrations/1764201600000-initial-schema.js";
import { NotificationDelivery1764288000000 } from "./migrations/1764288000000-notification-delivery.js";
import { TimerRelay1764374400000 } from "./migrations/1764374400000-timer-relay.js";
import { AlertDetails1764460800000 } from "./migrations/1764460800000-alert-details.js";
import { AlertTimeline1764464400000 } from "./migrations/1764464400000-alert-timeline.js";
import { ApiKeys1764547200000 } from "./migrations/1764547200000-api-keys.js";
import { LevelStartTime1764633600000 } from "./migrations/1764633600000-level-start-time.js";
import { RetentionIndex1764720000000 } from "./migrations/1764720000000-retention-index.js";

/** Arbitrary but fixed: every pager process migrating the same database takes this lock. */
const MIGRATION_LOCK_KEY = 7_256_330_001;

/** The pager's TypeORM data source; see {@link connectionOptions}. */
export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({
    ...connectionOptions(options, "pager"),
    entities: [
      EscalationPolicyEntity,
      MonitoredServiceEntity,
      AlertEntity,
      NotificationEntity,
      AckTimerEntity,
      ApiKeyEntity,
    ],
    migrations: [
      InitialSchema1764201600000,
      NotificationDelivery1764288000000,
      TimerRelay1764374400000,
      AlertDetails1764460800000,
      AlertTimeline1764464400000,
      ApiKeys1764547200000,
      LevelStartTime1764633600000,
      RetentionIndex1764720000000,
    ],
    migrationsTableName: "pager_migrations",
  });
}

/** Connects and migrates the pager's tables; see {@link initializeMigrated}. */
export function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  return initializeMigrated(createDataSource(options), MIGRATION_LOCK_KEY);
}
