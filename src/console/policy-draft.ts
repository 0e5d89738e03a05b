import type { MessageInitShape } from "@bufbuild/protobuf";
import type {
  EscalationLevelSchema,
  EscalationPolicy,
} from "../../gen/pager/v1/escalation_policy_pb.js";
import type { Target } from "../../gen/pager/v1/target_pb.js";

export type TargetKind = "email" | "sms" | "webhook";

/** A target as its form holds it: a kind and the one text field that kind has. */
export interface TargetDraft {
  readonly kind: TargetKind;
  readonly value: string;
}

export interface LevelDraft {
  /** Seconds as typed; empty: the server's default (15 minutes). */
  readonly ackSeconds: string;
  readonly targets: readonly TargetDraft[];
}

export interface PolicyDraft {
  readonly name: string;
  readonly levels: readonly LevelDraft[];
}

/** The name of each kind's field in the API, for matching the server's field paths. */
export const TARGET_FIELD: Record<TargetKind, string> = {
  email: "email.address",
  sms: "sms.phone_number",
  webhook: "webhook.url",
};

export const EMPTY_TARGET: TargetDraft = { kind: "email", value: "" };
export const EMPTY_LEVEL: LevelDraft = { ackSeconds: "300", targets: [EMPTY_TARGET] };
export const EMPTY_POLICY: PolicyDraft = { name: "", levels: [EMPTY_LEVEL] };

function targetDraft(target: Target): TargetDraft {
  const kind = target.kind;
  switch (kind.case) {
    case "email":
      return { kind: "email", value: kind.value.address };
    case "sms":
      return { kind: "sms", value: kind.value.phoneNumber };
    case "webhook":
      return { kind: "webhook", value: kind.value.url };
    default:
      return EMPTY_TARGET;
  }
}

/** A stored policy, ready to edit. */
export function draftOf(policy: EscalationPolicy): PolicyDraft {
  return {
    name: policy.name,
    levels: policy.levels.map((level) => ({
      ackSeconds: level.ackTimeout === undefined ? "" : String(level.ackTimeout.seconds),
      targets: level.targets.map(targetDraft),
    })),
  };
}

function targetInit(target: TargetDraft) {
  const value = target.value.trim();
  switch (target.kind) {
    case "email":
      return { kind: { case: "email" as const, value: { address: value } } };
    case "sms":
      return { kind: { case: "sms" as const, value: { phoneNumber: value } } };
    case "webhook":
      return { kind: { case: "webhook" as const, value: { url: value } } };
  }
}

/**
 * The levels as the API takes them. Nothing is checked here: the server
 * says what is wrong, naming the field, and the editor shows it there.
 */
export function levelsOf(draft: PolicyDraft): MessageInitShape<typeof EscalationLevelSchema>[] {
  return draft.levels.map((level) => {
    const seconds = level.ackSeconds.trim();
    return {
      targets: level.targets.map(targetInit),
      ackTimeout:
        seconds === ""
          ? undefined
          : { seconds: BigInt(Number.isFinite(Number(seconds)) ? Math.trunc(Number(seconds)) : 0) },
    };
  });
}

/** The server's field path without the request's wrapper, as the editor's slots are named. */
export function editorField(field: string): string {
  return field.replace(/^escalation_policy\./, "");
}
