import { create } from "@bufbuild/protobuf";
import {
  type EscalationLevel as EscalationLevelPb,
  type EscalationPolicy as EscalationPolicyPb,
  EscalationPolicySchema,
} from "../../../../gen/pager/v1/escalation_policy_pb.js";
import { fromDuration, toDuration, toTimestamp } from "../../../platform/proto/proto-time.js";
import type { ApiKeyRole } from "../../domain/api-key.js";
import type { EscalationLevelInput, EscalationPolicy } from "../../domain/escalation-policy.js";
import { fromTargetPb, toTargetPb } from "./target-proto.js";

/** Levels as the client wrote them, with field paths for every error. */
export function fromLevelsPb(
  levels: readonly EscalationLevelPb[],
  field: string,
): EscalationLevelInput[] {
  return levels.map((level, index) => ({
    targets: level.targets.map((target, t) =>
      fromTargetPb(target, `${field}[${index}].targets[${t}]`),
    ),
    ackTimeoutMs: fromDuration(level.ackTimeout, `${field}[${index}].ack_timeout`),
  }));
}

/**
 * The wire form of a policy as `reader` may see it (see toTargetPb); delays
 * are always explicit, defaults included.
 */
export function toEscalationPolicyPb(
  policy: EscalationPolicy,
  reader: ApiKeyRole | null,
): EscalationPolicyPb {
  return create(EscalationPolicySchema, {
    id: policy.id,
    name: policy.name,
    levels: policy.levels.map((level) => ({
      targets: level.targets.map((target) => toTargetPb(target, reader)),
      ackTimeout: toDuration(level.ackTimeoutMs),
    })),
    createTime: toTimestamp(policy.createTime),
    updateTime: toTimestamp(policy.updateTime),
  });
}
