/**
 * An answer to a monitoring system: an HTTP status and a body in PagerDuty's
 * envelope (`status`, `message`, `errors`), which tools that already speak
 * the Events API know how to log.
 */
export interface IntegrationAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The event was taken: `status` 202 for the Events API, any 2xx for a webhook. */
export function accepted(status: number, dedupKey: string): IntegrationAnswer {
  return { status, body: { status: "success", message: "Event processed", dedup_key: dedupKey } };
}

/** PagerDuty's refusal of an event with a problem in its fields: never retried by senders. */
export function invalidEvent(errors: readonly string[]): IntegrationAnswer {
  return {
    status: 400,
    body: { status: "invalid event", message: "Event object is invalid", errors },
  };
}

/** PagerDuty's answer to a body that is not a JSON object. */
export function unrecognizedObject(error: string): IntegrationAnswer {
  return {
    status: 400,
    body: {
      status: "Unrecognized object",
      message: "Event object format is unrecognized",
      errors: [error],
    },
  };
}

/** A body over the endpoint's limit: PagerDuty's 400, since no sender retries it. */
export function tooLarge(maxBytes: number): IntegrationAnswer {
  return invalidEvent([`Event is larger than the limit of ${maxBytes / 1024} KB`]);
}

/**
 * PagerDuty's refusal of a routing key it does not know. Unknown, revoked
 * and misshapen keys get the same answer, so it never tells whether a key
 * exists.
 */
export const INVALID_ROUTING_KEY = invalidEvent(["Invalid routing key"]);

/** A webhook without a valid bearer token: the usual HTTP refusal, same for every bad token. */
export const UNAUTHORIZED: IntegrationAnswer = {
  status: 401,
  body: {
    status: "unauthorized",
    message: "Send an integration key as 'Authorization: Bearer <key>'",
  },
  headers: { "www-authenticate": 'Bearer realm="pager"' },
};

/** The key's rate limit was hit: 429, which PagerDuty's senders retry after a while. */
export function rateLimited(retryAfterMs: number): IntegrationAnswer {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return {
    status: 429,
    body: {
      status: "throttle event",
      message: "Request Limit Exceeded",
      errors: [`Too many events with this key; retry in ${seconds} s`],
    },
    headers: { "retry-after": String(seconds) },
  };
}

/** Only POST carries events. */
export const METHOD_NOT_ALLOWED: IntegrationAnswer = {
  status: 405,
  body: { status: "method not allowed", message: "POST the event as JSON" },
  headers: { allow: "POST" },
};

/** Our fault, not the sender's: a 5xx, which every sender retries. */
export const NOT_PROCESSED: IntegrationAnswer = {
  status: 500,
  body: { status: "error", message: "The event could not be processed; retry later" },
};
