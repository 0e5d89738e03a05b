import type { Logger } from "pino";
import { DomainError } from "../../../platform/errors/domain-error.js";
import type {
  HttpHandler,
  HttpRequest,
  HttpResponse,
} from "../../../platform/server/http-routes.js";
import { sendJson } from "../../../platform/server/json-response.js";
import { readRequestBody } from "../../../platform/server/request-body.js";
import type { IntegrationKey, IntegrationKeyResolver } from "../../app/integration-keys.js";
import {
  accepted,
  type IntegrationAnswer,
  invalidEvent,
  METHOD_NOT_ALLOWED,
  NOT_PROCESSED,
  rateLimited,
  tooLarge,
  unrecognizedObject,
} from "./integration-answers.js";
import { isJsonObject, type JsonObject, type Parsed } from "./json-fields.js";

/** What an accepted event did, for the answer and the log line. */
export interface IntegrationResult {
  readonly answer: IntegrationAnswer;
  /** What happened, e.g. "created", "suppressed", "resolved", "ignored-no-matching-alert". */
  readonly outcome: string;
  readonly alertId?: string;
}

/**
 * The result of an acknowledge or resolve naming an alert by its dedup key:
 * accepted either way, `done` when there was such an alert to act on.
 */
export function followUp(
  status: number,
  dedupKey: string,
  done: string,
  alert: { readonly id: string } | null,
): IntegrationResult {
  const answer = accepted(status, dedupKey);
  if (alert === null) return { answer, outcome: "ignored-no-matching-alert" };
  return { answer, outcome: done, alertId: alert.id };
}

/**
 * One way monitoring systems page through the pager (PagerDuty's Events
 * API, Alertmanager's webhook): how its body is read, where its key is, and
 * what an accepted event does. The request handling around it is shared.
 */
export interface IntegrationEndpoint<E> {
  /** Names the endpoint in logs. */
  readonly name: string;
  readonly maxBodyBytes: number;
  parse(body: JsonObject): Parsed<E>;
  /** The secret the sender presented, "" when none. */
  secret(request: HttpRequest, event: E): string;
  /** The answer to a secret that is no usable key. */
  readonly refused: IntegrationAnswer;
  /** Does what the event asks, through the use cases. */
  act(event: E, key: IntegrationKey): Promise<IntegrationResult>;
}

/** Where an integration endpoint finds its keys and says what it did. */
export interface IntegrationContext {
  readonly keys: IntegrationKeyResolver;
  readonly logger: Logger;
}

/**
 * Serves an endpoint: POST only, the body bounded, parsed and checked before
 * the key is looked up, the key's rate limit respected, then the event acted
 * on. Every answer is the sender's to act on: 4xx for what it must fix
 * (never retried), 429 to slow down, 5xx only for our own failures (which
 * senders retry). One log line per request says what happened.
 */
export function integrationHandler<E>(
  endpoint: IntegrationEndpoint<E>,
  context: IntegrationContext,
): HttpHandler {
  return (request, response) => {
    void serveOne(endpoint, context, request, response);
  };
}

type AnsweredEvent = IntegrationResult & { readonly key?: IntegrationKey };

async function serveOne<E>(
  endpoint: IntegrationEndpoint<E>,
  context: IntegrationContext,
  request: HttpRequest,
  response: HttpResponse,
): Promise<void> {
  const started = performance.now();
  let result: AnsweredEvent;
  try {
    result = await answer(endpoint, context, request);
  } catch (err) {
    context.logger.error({ err, endpoint: endpoint.name }, "integration event failed");
    result = { answer: NOT_PROCESSED, outcome: "failed" };
  }
  const { status, body, headers } = result.answer;
  try {
    sendJson(response, status, body, headers);
  } catch (err) {
    // The sender went away (or its request was cut off): there is nobody left to answer.
    context.logger.warn({ err, endpoint: endpoint.name }, "integration answer not sent");
  }
  context.logger.info(
    {
      endpoint: endpoint.name,
      status,
      outcome: result.outcome,
      api_key_id: result.key?.apiKeyId,
      monitored_service_id: result.key?.monitoredServiceId,
      alert_id: result.alertId,
      errors: body.errors,
      ms: Math.round(performance.now() - started),
    },
    "integration event",
  );
}

async function answer<E>(
  endpoint: IntegrationEndpoint<E>,
  context: IntegrationContext,
  request: HttpRequest,
): Promise<AnsweredEvent> {
  if (request.method !== "POST") return { answer: METHOD_NOT_ALLOWED, outcome: "refused" };
  const body = await readRequestBody(request, endpoint.maxBodyBytes);
  if (body.kind === "too-large") return { answer: tooLarge(body.maxBytes), outcome: "refused" };
  let json: unknown;
  try {
    json = JSON.parse(body.bytes.toString("utf8"));
  } catch {
    return { answer: unrecognizedObject("JSON parse error"), outcome: "refused" };
  }
  if (!isJsonObject(json)) {
    return { answer: unrecognizedObject("The event must be a JSON object"), outcome: "refused" };
  }
  const parsed = endpoint.parse(json);
  if (!parsed.ok) return { answer: invalidEvent(parsed.errors), outcome: "refused" };
  const secret = endpoint.secret(request, parsed.value);
  const admission =
    secret === "" ? { kind: "refused" as const } : await context.keys.resolve(secret);
  switch (admission.kind) {
    case "refused":
      return { answer: endpoint.refused, outcome: "refused" };
    case "rate-limited":
      return { answer: rateLimited(admission.retryAfterMs), outcome: "rate-limited" };
    case "accepted": {
      const { key } = admission;
      try {
        return { ...(await endpoint.act(parsed.value, key)), key };
      } catch (error) {
        return { ...refusalOf(error, endpoint), key };
      }
    }
  }
}

/**
 * A use case's refusal in the sender's terms: a service that no longer
 * exists makes the key useless (refused like an unknown key); any other
 * refusal names what to fix. Anything else is our failure, rethrown.
 */
function refusalOf<E>(error: unknown, endpoint: IntegrationEndpoint<E>): IntegrationResult {
  if (!(error instanceof DomainError)) throw error;
  if (error.kind === "not-found") return { answer: endpoint.refused, outcome: "refused" };
  return { answer: invalidEvent([error.message]), outcome: "refused" };
}
