import { DeliveryError } from "../../app/notification-channel.js";

/** How a POST to a provider failed: an answer other than 2xx, or no answer at all. */
export type HttpDeliveryFailure =
  | { readonly status: number; readonly reason: string }
  | { readonly unreachable: unknown }
  | { readonly refused: string };

/** What a network error code means, in words; its address and port are not repeated. */
const NETWORK_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection reset",
  ETIMEDOUT: "no answer in time",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};
const MAX_NETWORK_REASON_LENGTH = 120;

/**
 * Sorts an HTTP provider's failure the way retries need it: 429, 5xx,
 * network errors and timeouts are transient (the same page may go through
 * later); any other status, redirects included (a page must not wander), is
 * the provider refusing this page for good, with its reason. A destination
 * the pager itself refuses (an internal address) fails for good too. A
 * network error is named by its code, without the address it came from.
 */
export function httpDeliveryError(provider: string, failure: HttpDeliveryFailure): DeliveryError {
  if ("refused" in failure) return new DeliveryError(`${provider} ${failure.refused}`, true);
  if ("unreachable" in failure) {
    return new DeliveryError(
      `could not reach ${provider}: ${networkReason(failure.unreachable)}`,
      false,
    );
  }
  const { status, reason } = failure;
  return new DeliveryError(
    `${provider} answered HTTP ${status}${reason === "" ? "" : `: ${reason}`}`,
    status !== 429 && status < 500,
  );
}

function networkReason(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === "string" && NETWORK_ERRORS[code] !== undefined) {
    return `${NETWORK_ERRORS[code]} (${code})`;
  }
  const text = cause instanceof Error ? cause.message : String(cause);
  return text.replace(/[^\x20-\x7e]/g, "").slice(0, MAX_NETWORK_REASON_LENGTH);
}
