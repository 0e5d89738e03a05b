import { DeliveryError } from "../../app/notification-channel.js";
import type { Target } from "../../domain/target.js";

/**
 * Narrows a target to the kind a channel serves. The router never sends a
 * channel a foreign target; if it ever did, the page fails loudly rather than
 * going to a wrong address.
 */
export function requireTarget<K extends Target["kind"]>(
  target: Target,
  kind: K,
): Extract<Target, { kind: K }> {
  if (target.kind !== kind) {
    throw new DeliveryError(`a ${target.kind} target was routed to the ${kind} channel`, true);
  }
  return target as Extract<Target, { kind: K }>;
}
