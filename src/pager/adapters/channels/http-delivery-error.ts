import { DeliveryError } from "../../app/notification-channel.js";

/** How a POST to a provider failed: an answer other than 2xx, or no answer at all. */
export type HttpDeliveryFailure =
  | { readonly status: number; readonly reason: string }
  | { readonly unreachable: unknown };

/**
 * Sorts an HTTP provider's failure the way retries need it: 429, 5xx,
 * network errors and timeouts are transient (the same page may go through
 * later); any other status, redirects included (a page must not wander), is
 * the provider refusing this page for good, with its reason.
 */
export function httpDeliveryError(provider: string, failure: HttpDeliveryFailure): DeliveryError {
  if ("unreachable" in failure) {
    const { unreachable } = failure;
    const reason = unreachable instanceof Error ? unreachable.message : String(unreachable);
    return new DeliveryError(`${provider} unreachable: ${reason}`, false);
  }
  const { status, reason } = failure;
  return new DeliveryError(
    `${provider} answered HTTP ${status}${reason === "" ? "" : `: ${reason}`}`,
    status !== 429 && status < 500,
  );
}
