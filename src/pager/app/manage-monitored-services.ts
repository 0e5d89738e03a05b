import { alreadyExists, failedPrecondition, notFound } from "../../platform/errors/domain-error.js";
import { quoted } from "../../platform/errors/quoted.js";
import {
  fetchSlice,
  type ListRequest,
  type ListSlice,
  parseListRequest,
} from "../../platform/listing/list-cursor.js";
import { validateName } from "../domain/escalation-policy.js";
import type { MonitoredService } from "../domain/monitored-service.js";
import { requireId } from "../domain/resource-id.js";
import { resolveUpdateMask } from "../domain/update-mask.js";
import { requirePolicy } from "./manage-escalation-policies.js";
import type { AppDeps, UnitOfWork } from "./ports.js";

/** A service as a client writes it. */
export interface ServiceInput {
  readonly name: string;
  readonly escalationPolicyId: string;
}

const WRITABLE = ["name", "escalation_policy_id"] as const;

/** A new service starts healthy; its policy must exist and stays until the service leaves it. */
export async function createMonitoredService(
  deps: AppDeps,
  input: ServiceInput,
): Promise<MonitoredService> {
  const name = validateName(input.name, "name");
  const policyId = requireId(input.escalationPolicyId, "escalation_policy_id");
  return deps.tx.run(async (uow) => {
    await requirePolicy(uow, policyId, "escalation_policy_id", "share");
    await refuseTakenName(uow, name, null, "name");
    const now = deps.clock.now();
    const service: MonitoredService = {
      id: deps.ids.next(),
      name,
      escalationPolicyId: policyId,
      health: "healthy",
      activeAlertId: null,
      createTime: now,
      updateTime: now,
    };
    await uow.services.insert(service);
    return service;
  });
}

/** Reads one service. */
export async function getMonitoredService(deps: AppDeps, id: string): Promise<MonitoredService> {
  const serviceId = requireId(id, "monitored_service_id");
  return deps.tx.run(async (uow) => {
    return requireService(uow, serviceId, "monitored_service_id", "read");
  });
}

/** Pages through services in creation order. */
export function listMonitoredServices(
  deps: AppDeps,
  input: ListRequest,
): Promise<ListSlice<MonitoredService>> {
  const cursor = parseListRequest(input, requireId);
  return deps.tx.run((uow) => fetchSlice(cursor, (c) => uow.services.list(c)));
}

/**
 * AIP-134 update of name and policy. Switching policy while unhealthy is
 * allowed: the live alert keeps escalating along the levels it started with.
 */
export async function updateMonitoredService(
  deps: AppDeps,
  input: { readonly id: string; readonly changes: ServiceInput; readonly paths: readonly string[] },
): Promise<MonitoredService> {
  const serviceId = requireId(input.id, "monitored_service.id");
  const mask = resolveUpdateMask(input.paths, WRITABLE);
  const name = mask.has("name") ? validateName(input.changes.name, "monitored_service.name") : null;
  const policyId = mask.has("escalation_policy_id")
    ? requireId(input.changes.escalationPolicyId, "monitored_service.escalation_policy_id")
    : null;
  return deps.tx.run(async (uow) => {
    const current = await requireService(uow, serviceId, "monitored_service.id");
    if (policyId !== null) {
      await requirePolicy(uow, policyId, "monitored_service.escalation_policy_id", "share");
    }
    if (name !== null) await refuseTakenName(uow, name, serviceId, "monitored_service.name");
    const updated: MonitoredService = {
      ...current,
      name: name ?? current.name,
      escalationPolicyId: policyId ?? current.escalationPolicyId,
      updateTime: deps.clock.now(),
    };
    await uow.services.update(updated);
    return updated;
  });
}

/** Refused while unhealthy: deleting would silently drop a live incident. */
export async function deleteMonitoredService(deps: AppDeps, id: string): Promise<void> {
  const serviceId = requireId(id, "monitored_service_id");
  await deps.tx.run(async (uow) => {
    const service = await requireService(uow, serviceId, "monitored_service_id");
    if (service.health === "unhealthy") {
      throw failedPrecondition(
        "SERVICE_UNHEALTHY",
        `monitored_service_id: service "${serviceId}" has an active alert; resolve it before deleting the service`,
      );
    }
    await uow.services.delete(serviceId);
  });
}

async function refuseTakenName(
  uow: UnitOfWork,
  name: string,
  exceptId: string | null,
  field: string,
): Promise<void> {
  if (await uow.services.isNameTaken(name, exceptId)) {
    throw alreadyExists(
      "SERVICE_NAME_TAKEN",
      field,
      `a monitored service named ${quoted(name)} exists`,
    );
  }
}

/**
 * Reads a service that must exist, naming the request field when it does
 * not; locked by default, since every writer of a service or its alerts
 * serialises on that row lock.
 */
export async function requireService(
  uow: UnitOfWork,
  id: string,
  field: string,
  access: "lock" | "read" = "lock",
): Promise<MonitoredService> {
  const service = access === "lock" ? await uow.services.lock(id) : await uow.services.get(id);
  if (service === null) throw notFound("monitored service", id, field);
  return service;
}
