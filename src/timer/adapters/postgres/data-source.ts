import { DataSource } from "typeorm";
import {
  connectionOptions,
  type DatabaseOptions,
  initializeMigrated,
} from "../../../platform/postgres/database-setup.js";
import { Timers1764374460000 } from "./migrations/1764374460000-timers.js";
import { CallbackMetadata1764460860000 } from "./migrations/1764460860000-callback-metadata.js";
import { RetentionIndex1764720060000 } from "./migrations/1764720060000-retention-index.js";
import { TimerEntity } from "./timer-entity.js";

/** Arbitrary but fixed, and not the pager's: the two services may migrate one database at once. */
const MIGRATION_LOCK_KEY = 7_256_330_002;

/**
 * The timer service's data source: everything in schema `timer`, its
 * migrations table included, so it can live in the pager's database or in
 * one of its own.
 */
export function createTimerDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({
    ...connectionOptions(options, "timer"),
    schema: "timer",
    entities: [TimerEntity],
    migrations: [Timers1764374460000, CallbackMetadata1764460860000, RetentionIndex1764720060000],
    migrationsTableName: "timer_migrations",
  });
}

/** Connects, creates schema `timer` if needed, and migrates. */
export function openTimerDatabase(options: DatabaseOptions): Promise<DataSource> {
  return initializeMigrated(createTimerDataSource(options), MIGRATION_LOCK_KEY, [
    "CREATE SCHEMA IF NOT EXISTS timer",
  ]);
}
