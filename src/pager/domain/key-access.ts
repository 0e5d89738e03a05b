import { DomainError } from "../../platform/errors/domain-error.js";
import type { ApiKey, ApiKeyRole } from "./api-key.js";

/**
 * Who may call one RPC. `admin` may call everything, so it is named in
 * every rule rather than implied: a rule reads as what it allows.
 */
export interface KeyAccessRule {
  readonly roles: readonly ApiKeyRole[];
  /**
   * The request is about one monitored service: an integration key must name
   * it by id, and a key bound to a service may only name that one. Rules
   * without it (reading one's own key) bind nobody to a service.
   */
  readonly serviceScoped?: boolean;
}

/**
 * The monitored service a request is about, as far as an integration key is
 * concerned: the id it names, or null when it names its subject some other
 * way (an alert id), which integration keys may not use.
 */
export type RequestedService = string | null;

/**
 * Decides whether `key` may make the call `method` under `rule`, or refuses
 * with PERMISSION_DENIED naming what would be allowed: the roles the method
 * needs, or the service an integration key is bound to.
 */
export function authorize(
  key: ApiKey,
  method: string,
  rule: KeyAccessRule,
  requested: RequestedService,
): void {
  if (!rule.roles.includes(key.role)) {
    throw new DomainError(
      "permission-denied",
      "API_KEY_ROLE_NOT_ALLOWED",
      `the API key "${key.name}" has the role ${key.role}; ${method} needs the role ${rolesText(rule.roles)}`,
    );
  }
  if (key.role !== "integration" || rule.serviceScoped !== true) return;
  if (requested === null) {
    throw new DomainError(
      "permission-denied",
      "INTEGRATION_KEY_NEEDS_SERVICE",
      `monitored_service_id: integration keys call ${method} naming the monitored service, never an alert`,
      "monitored_service_id",
    );
  }
  const bound = key.monitoredServiceId;
  if (bound !== null && requested.trim().toLowerCase() !== bound) {
    throw new DomainError(
      "permission-denied",
      "INTEGRATION_KEY_BOUND",
      `monitored_service_id: the API key "${key.name}" may only send and resolve alerts of monitored service "${bound}"`,
      "monitored_service_id",
    );
  }
}

function rolesText(roles: readonly ApiKeyRole[]): string {
  if (roles.length <= 1) return roles.join("");
  return `${roles.slice(0, -1).join(", ")} or ${roles[roles.length - 1]}`;
}
