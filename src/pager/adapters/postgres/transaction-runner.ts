import { type DataSource, type EntityManager, QueryFailedError } from "typeorm";
import { alreadyExists } from "../../../platform/errors/domain-error.js";
import type { TransactionRunner, UnitOfWork } from "../../app/ports.js";
import { PostgresAlertEventStore } from "./alert-event-store.js";
import { TypeormAlertStore } from "./alert-store.js";
import { TypeormApiKeyStore } from "./api-key-store.js";
import { TypeormEscalationPolicyStore } from "./escalation-policy-store.js";
import { TypeormMonitoredServiceStore } from "./monitored-service-store.js";
import { TypeormNotificationStore } from "./notification-store.js";

const UNIQUE_VIOLATION = "23505";

/** Builds the stores of one transaction around its EntityManager. */
export function unitOfWork(manager: EntityManager): UnitOfWork {
  return {
    services: new TypeormMonitoredServiceStore(manager),
    policies: new TypeormEscalationPolicyStore(manager),
    alerts: new TypeormAlertStore(manager),
    notifications: new TypeormNotificationStore(manager),
    alertEvents: new PostgresAlertEventStore(manager),
    apiKeys: new TypeormApiKeyStore(manager),
  };
}

/**
 * One READ COMMITTED transaction per use case; correctness comes from row
 * locks. A unique violation that slipped past a use case's own check (two
 * clients racing to take one name) is still the client's conflict, never
 * INTERNAL.
 */
export class TypeormTransactionRunner implements TransactionRunner {
  constructor(private readonly dataSource: DataSource) {}

  async run<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction((manager) => work(unitOfWork(manager)));
    } catch (error) {
      throw translate(error);
    }
  }
}

/**
 * A unique violation as the client's conflict; anything else unchanged.
 * Takes TypeORM's wrapped errors and the pg driver's own.
 */
export function translate(error: unknown): unknown {
  const driverError = (error instanceof QueryFailedError ? error.driverError : error) as {
    code?: unknown;
    constraint?: string;
  } | null;
  if (driverError?.code !== UNIQUE_VIOLATION) return error;
  if (driverError.constraint === "monitored_services_name_key") {
    return alreadyExists("SERVICE_NAME_TAKEN", "name", "a monitored service with this name exists");
  }
  if (driverError.constraint === "api_keys_live_name") {
    return alreadyExists(
      "API_KEY_NAME_TAKEN",
      "name",
      "an API key with this name exists and is not revoked",
    );
  }
  return alreadyExists("CONFLICT", "request", "conflicts with a concurrent change; retry");
}
