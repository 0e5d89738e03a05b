import { failedPrecondition, notFound } from "../../platform/errors/domain-error.js";
import {
  fetchSlice,
  type ListRequest,
  type ListSlice,
  parseListRequest,
} from "../../platform/listing/list-cursor.js";
import {
  type EscalationLevelInput,
  type EscalationPolicy,
  validateLevels,
  validateName,
} from "../domain/escalation-policy.js";
import { requireId } from "../domain/resource-id.js";
import { resolveUpdateMask } from "../domain/update-mask.js";
import type { AppDeps, UnitOfWork } from "./ports.js";

/** A policy as a client writes it. */
export interface PolicyInput {
  readonly name: string;
  readonly levels: readonly EscalationLevelInput[];
}

const WRITABLE = ["name", "levels"] as const;

/** Validates everything before writing, so a refused policy leaves no trace. */
export async function createEscalationPolicy(
  deps: AppDeps,
  input: PolicyInput,
): Promise<EscalationPolicy> {
  const now = deps.clock.now();
  const policy: EscalationPolicy = {
    id: deps.ids.next(),
    name: validateName(input.name, "name"),
    levels: validateLevels(input.levels, deps.webhookHosts),
    createTime: now,
    updateTime: now,
  };
  await deps.tx.run((uow) => uow.policies.insert(policy));
  return policy;
}

/** Reads one policy; a malformed id is INVALID_ARGUMENT, an unknown one NOT_FOUND. */
export async function getEscalationPolicy(deps: AppDeps, id: string): Promise<EscalationPolicy> {
  const policyId = requireId(id, "escalation_policy_id");
  return deps.tx.run((uow) => requirePolicy(uow, policyId, "escalation_policy_id"));
}

/** Pages through policies in creation order. */
export function listEscalationPolicies(
  deps: AppDeps,
  input: ListRequest,
): Promise<ListSlice<EscalationPolicy>> {
  const cursor = parseListRequest(input, requireId);
  return deps.tx.run((uow) => fetchSlice(cursor, (c) => uow.policies.list(c)));
}

/**
 * AIP-134 update. Live alerts keep the levels they were triggered with, so a
 * policy may change at any time.
 */
export async function updateEscalationPolicy(
  deps: AppDeps,
  input: { readonly id: string; readonly changes: PolicyInput; readonly paths: readonly string[] },
): Promise<EscalationPolicy> {
  const policyId = requireId(input.id, "escalation_policy.id");
  const mask = resolveUpdateMask(input.paths, WRITABLE);
  const name = mask.has("name") ? validateName(input.changes.name, "escalation_policy.name") : null;
  const levels = mask.has("levels")
    ? validateLevels(input.changes.levels, deps.webhookHosts, "escalation_policy.levels")
    : null;
  return deps.tx.run(async (uow) => {
    const current = await requirePolicy(uow, policyId, "escalation_policy.id", "update");
    const updated: EscalationPolicy = {
      ...current,
      name: name ?? current.name,
      levels: levels ?? current.levels,
      updateTime: deps.clock.now(),
    };
    await uow.policies.update(updated);
    return updated;
  });
}

/** Refused while a service points at the policy: a service must always have someone to page. */
export async function deleteEscalationPolicy(deps: AppDeps, id: string): Promise<void> {
  const policyId = requireId(id, "escalation_policy_id");
  await deps.tx.run(async (uow) => {
    await requirePolicy(uow, policyId, "escalation_policy_id", "update");
    if (await uow.services.isPolicyInUse(policyId)) {
      throw failedPrecondition(
        "POLICY_IN_USE",
        `escalation_policy_id: policy "${policyId}" is used by a monitored service; point those services at another policy first`,
      );
    }
    await uow.policies.delete(policyId);
  });
}

/** Reads a policy that must exist, naming the request field when it does not. */
export async function requirePolicy(
  uow: UnitOfWork,
  id: string,
  field: string,
  lock?: "share" | "update",
): Promise<EscalationPolicy> {
  const policy =
    lock === undefined ? await uow.policies.get(id) : await uow.policies.lock(id, lock);
  if (policy === null) throw notFound("escalation policy", id, field);
  return policy;
}
