import { DataSource } from "typeorm";
import { AckTimerEntity } from "./entities/ack-timer-entity.js";
import { AlertEntity } from "./entities/alert-entity.js";
import { EscalationPolicyEntity } from "./entities/escalation-policy-entity.js";
import { MonitoredServiceEntity } from "./entities/monitored-service-entity.js";
import { NotificationEntity } from "./entities/notification-entity.js";
import { InitialSchema1764201600000 } from "./migrations/1764201600000-initial-schema.js";

/** Arbitrary but fixed: every pager process migrating the same database takes this lock. */
const MIGRATION_LOCK_KEY = 7_256_330_001;

/** How to reach the database. */
export interface DatabaseOptions {
  readonly url: string;
  /** Connections in the pool; each in-flight transaction holds one. */
  readonly poolSize: number;
  /** Application name shown in pg_stat_activity. */
  readonly applicationName?: string;
}

/**
 * The pager's TypeORM data source. Schema changes only through migrations,
 * never `synchronize`, so what runs in production is what was reviewed.
 */
export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({
    type: "postgres",
    url: options.url,
    entities: [
      EscalationPolicyEntity,
      MonitoredServiceEntity,
      AlertEntity,
      NotificationEntity,
      AckTimerEntity,
    ],
    migrations: [InitialSchema1764201600000],
    migrationsTableName: "pager_migrations",
    synchronize: false,
    logging: false,
    applicationName: options.applicationName ?? "pager",
    extra: { max: options.poolSize, connectionTimeoutMillis: 10_000 },
  });
}

/**
 * Connects and migrates. Several processes may start at once on one
 * database: an advisory lock makes them migrate one after the other.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  try {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
      await dataSource.runMigrations({ transaction: "all" });
    } finally {
      await runner.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
      await runner.release();
    }
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
