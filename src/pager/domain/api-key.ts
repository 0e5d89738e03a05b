import {
  type DomainError,
  invalidArgument,
  unauthenticated,
} from "../../platform/errors/domain-error.js";
import { requireId } from "./resource-id.js";
import { requireText } from "./text-field.js";

/** What a key may do; each RPC names the roles that may call it. */
export type ApiKeyRole = "admin" | "responder" | "viewer" | "integration" | "timer";

/** A key's own limit: a steady rate of calls per second, and a burst above it. */
export interface RateLimit {
  readonly requestsPerSecond: number;
  readonly burst: number;
}

/**
 * A credential for one caller: a person, a monitoring system, the timer
 * service. The secret is not part of it: only a hash is ever stored, and the
 * secret is shown once, when the key is made.
 */
export interface ApiKey {
  readonly id: string;
  /** Who acted, in alerts and their timeline; unique among keys that are not revoked. */
  readonly name: string;
  readonly role: ApiKeyRole;
  /** For integration keys: the only service they may send and resolve alerts for. */
  readonly monitoredServiceId: string | null;
  readonly createTime: Date;
  readonly expireTime: Date | null;
  readonly revokeTime: Date | null;
  /** When the key was last accepted, to about a minute. */
  readonly lastUseTime: Date | null;
  /** Null: the server's default. */
  readonly rateLimit: RateLimit | null;
  /** The secret's last four characters, to tell keys apart without seeing them. */
  readonly secretSuffix: string;
}

/** CreateApiKey's input as the transport hands it over; empty and null mean unset. */
export interface NewApiKeyInput {
  readonly name: string;
  readonly role: ApiKeyRole | null;
  readonly monitoredServiceId: string;
  readonly expireTime: Date | null;
  readonly rateLimit: RateLimit | null;
}

/** The one answer to every credential that does not work, whatever the reason. */
export const INVALID_API_KEY_MESSAGE =
  'a valid API key is required: send "authorization: Bearer <key>" with a key that exists, is not revoked and has not expired';

/** Bytes of UTF-8; live key names are a unique index key. */
const MAX_NAME_BYTES = 200;
const MAX_REQUESTS_PER_SECOND = 1_000_000;
const MAX_BURST = 10_000_000;

/**
 * Validates a key to create, naming the field to fix. A service binding only
 * makes sense for integration keys: any other role binding would suggest a
 * restriction the role does not have.
 */
export function newApiKey(
  input: NewApiKeyInput,
  made: { readonly id: string; readonly secretSuffix: string; readonly now: Date },
): ApiKey {
  const name = requireText(input.name, "name", MAX_NAME_BYTES, "what the key is for");
  if (input.role === null) {
    throw invalidArgument("role", "is required (ADMIN, RESPONDER, VIEWER, INTEGRATION or TIMER)");
  }
  const monitoredServiceId =
    input.monitoredServiceId === ""
      ? null
      : requireId(input.monitoredServiceId, "monitored_service_id");
  if (monitoredServiceId !== null && input.role !== "integration") {
    throw invalidArgument(
      "monitored_service_id",
      "only INTEGRATION keys can be bound to a monitored service",
    );
  }
  if (input.expireTime !== null && input.expireTime.getTime() <= made.now.getTime()) {
    throw invalidArgument(
      "expire_time",
      "must be in the future (leave unset for a key that never expires)",
    );
  }
  return {
    id: made.id,
    name,
    role: input.role,
    monitoredServiceId,
    createTime: made.now,
    expireTime: input.expireTime,
    revokeTime: null,
    lastUseTime: null,
    rateLimit: input.rateLimit === null ? null : validateRateLimit(input.rateLimit),
    secretSuffix: made.secretSuffix,
  };
}

/** A burst of 0 means "as many as one second's rate", as the contract says. */
function validateRateLimit(limit: RateLimit): RateLimit {
  const { requestsPerSecond } = limit;
  if (
    !Number.isInteger(requestsPerSecond) ||
    requestsPerSecond < 1 ||
    requestsPerSecond > MAX_REQUESTS_PER_SECOND
  ) {
    throw invalidArgument(
      "rate_limit.requests_per_second",
      `must be from 1 to ${MAX_REQUESTS_PER_SECOND}`,
    );
  }
  const burst = limit.burst === 0 ? requestsPerSecond : limit.burst;
  if (!Number.isInteger(burst) || burst < requestsPerSecond || burst > MAX_BURST) {
    throw invalidArgument(
      "rate_limit.burst",
      `must be 0 (equal to requests_per_second) or from requests_per_second to ${MAX_BURST}`,
    );
  }
  return { requestsPerSecond, burst };
}

/** Whether the key is accepted at `now`: neither revoked nor expired. */
export function isUsable(key: ApiKey, now: Date): boolean {
  if (key.revokeTime !== null) return false;
  return key.expireTime === null || key.expireTime.getTime() > now.getTime();
}

/**
 * Revokes for good. Revoking again keeps the first time, so the record says
 * when the key really stopped working.
 */
export function revokeApiKey(key: ApiKey, now: Date): ApiKey {
  return key.revokeTime === null ? { ...key, revokeTime: now } : key;
}

/** The refusal for a credential that does not work; see {@link INVALID_API_KEY_MESSAGE}. */
export function invalidApiKey(): DomainError {
  return unauthenticated("API_KEY_INVALID", INVALID_API_KEY_MESSAGE);
}
