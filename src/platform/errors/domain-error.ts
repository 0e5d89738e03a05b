import { quoted } from "./quoted.js";

/**
 * Why a request was refused, in terms the transport can map to a precise gRPC
 * code without knowing the domain: the domain never decides wire codes, but it
 * must never let a client's mistake look like a server fault.
 */
export type DomainErrorKind =
  | "invalid-argument"
  | "not-found"
  | "failed-precondition"
  | "already-exists"
  | "permission-denied"
  | "unauthenticated"
  | "resource-exhausted"
  | "unavailable";

/**
 * A refusal the caller can act on. `reason` is a stable UPPER_SNAKE_CASE code
 * for machines; `field` names the offending request field (AIP-style path such
 * as `levels[1].targets[0].sms.phone_number`) so the message says what to fix.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly reason: string,
    message: string,
    readonly field?: string,
    /** For a refusal that passes with time (a rate limit): how long to wait before retrying. */
    readonly retryDelayMs?: number,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** A field the caller sent is wrong; the message says how to fix it. */
export function invalidArgument(field: string, problem: string): DomainError {
  return new DomainError("invalid-argument", "FIELD_INVALID", `${field}: ${problem}`, field);
}

/** The resource named by `field` does not exist. */
export function notFound(resource: string, id: string, field: string): DomainError {
  return new DomainError(
    "not-found",
    `${resource.toUpperCase().replaceAll(" ", "_")}_NOT_FOUND`,
    `${field}: no ${resource} with id ${quoted(id)}`,
    field,
  );
}

/** The request is well formed but the current state forbids it. */
export function failedPrecondition(reason: string, message: string): DomainError {
  return new DomainError("failed-precondition", reason, message);
}

/** The request would create a second resource where only one may exist. */
export function alreadyExists(reason: string, field: string, message: string): DomainError {
  return new DomainError("already-exists", reason, `${field}: ${message}`, field);
}

/** This server cannot serve the call now (it is shutting down); another replica or a retry can. */
export function unavailable(reason: string, message: string): DomainError {
  return new DomainError("unavailable", reason, message);
}

/** The caller may not ask for this, whatever the state: a rule of the deployment refuses it. */
export function permissionDenied(reason: string, field: string, message: string): DomainError {
  return new DomainError("permission-denied", reason, `${field}: ${message}`, field);
}

/**
 * The caller did not prove who it is. One message whatever the cause, so a
 * refusal never tells whether a guessed credential exists.
 */
export function unauthenticated(reason: string, message: string): DomainError {
  return new DomainError("unauthenticated", reason, message);
}

/** The caller asked too often; it may retry after `retryDelayMs`. */
export function resourceExhausted(
  reason: string,
  message: string,
  retryDelayMs: number,
): DomainError {
  return new DomainError("resource-exhausted", reason, message, undefined, retryDelayMs);
}
