import { create } from "@bufbuild/protobuf";
import { type Target as TargetPb, TargetSchema } from "../../../../gen/pager/v1/target_pb.js";
import { invalidArgument } from "../../../platform/errors/domain-error.js";
import type { ApiKeyRole } from "../../domain/api-key.js";
import type { Target } from "../../domain/target.js";
import { discloseTarget } from "../../domain/target-disclosure.js";

/** A target with no channel chosen is refused with the path of the oneof to set. */
export function fromTargetPb(target: TargetPb, field: string): Target {
  switch (target.kind.case) {
    case "email":
      return { kind: "email", address: target.kind.value.address };
    case "sms":
      return { kind: "sms", phoneNumber: target.kind.value.phoneNumber };
    case "webhook":
      return { kind: "webhook", url: target.kind.value.url };
    default:
      throw invalidArgument(field, "set one of email, sms or webhook");
  }
}

/**
 * The wire form of a target, as much of it as `reader` (the caller's role)
 * may see: webhook URLs are whole for admin keys only.
 */
export function toTargetPb(stored: Target, reader: ApiKeyRole | null): TargetPb {
  const target = discloseTarget(stored, reader);
  switch (target.kind) {
    case "email":
      return create(TargetSchema, { kind: { case: "email", value: { address: target.address } } });
    case "sms":
      return create(TargetSchema, {
        kind: { case: "sms", value: { phoneNumber: target.phoneNumber } },
      });
    case "webhook":
      return create(TargetSchema, { kind: { case: "webhook", value: { url: target.url } } });
  }
}
