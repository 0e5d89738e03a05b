import type { ConnectRouter } from "@connectrpc/connect";
import { EscalationPolicyService } from "../../../gen/pager/v1/escalation_policy_pb.js";
import {
  createEscalationPolicy,
  deleteEscalationPolicy,
  getEscalationPolicy,
  listEscalationPolicies,
  updateEscalationPolicy,
} from "../app/manage-escalation-policies.js";
import type { AppDeps } from "../app/ports.js";
import { roleOf } from "./caller.js";
import { fromLevelsPb, toEscalationPolicyPb } from "./convert/escalation-policy-proto.js";

/** pager.v1.EscalationPolicyService: converts, calls the use case, converts back. */
export function registerEscalationPolicyService(router: ConnectRouter, deps: AppDeps): void {
  router.service(EscalationPolicyService, {
    async createEscalationPolicy(request, context) {
      const policy = await createEscalationPolicy(deps, {
        name: request.name,
        levels: fromLevelsPb(request.levels, "levels"),
      });
      return { escalationPolicy: toEscalationPolicyPb(policy, roleOf(context)) };
    },
    async getEscalationPolicy(request, context) {
      const policy = await getEscalationPolicy(deps, request.escalationPolicyId);
      return { escalationPolicy: toEscalationPolicyPb(policy, roleOf(context)) };
    },
    async listEscalationPolicies(request, context) {
      const page = await listEscalationPolicies(deps, request);
      const reader = roleOf(context);
      return {
        escalationPolicies: page.items.map((policy) => toEscalationPolicyPb(policy, reader)),
        nextPageToken: page.nextPageToken,
      };
    },
    async updateEscalationPolicy(request, context) {
      const changes = request.escalationPolicy;
      const policy = await updateEscalationPolicy(deps, {
        id: changes?.id ?? "",
        changes: {
          name: changes?.name ?? "",
          levels: fromLevelsPb(changes?.levels ?? [], "escalation_policy.levels"),
        },
        paths: request.updateMask?.paths ?? [],
      });
      return { escalationPolicy: toEscalationPolicyPb(policy, roleOf(context)) };
    },
    async deleteEscalationPolicy(request) {
      await deleteEscalationPolicy(deps, request.escalationPolicyId);
      return {};
    },
  });
}
