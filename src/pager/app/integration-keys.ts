import type { Actor } from "../domain/actor.js";

/**
 * An integration key as the pager knows it: what a monitoring system holds
 * (a PagerDuty routing key, an Alertmanager bearer token), bound to the one
 * service it may page.
 */
export interface IntegrationKey {
  /** The key's name: recorded as who acknowledged through it. */
  readonly keyName: string;
  /** The key's id, never its secret: what logs and records may show. */
  readonly apiKeyId: string;
  /** The service every event sent with this key is about. */
  readonly monitoredServiceId: string;
}

/** Who acts when a monitoring system acts through its key: the key, by its name. */
export function integrationActor(key: IntegrationKey): Actor {
  return { kind: "api-key", apiKeyId: key.apiKeyId, name: key.keyName };
}

/**
 * What the pager makes of a presented secret. Unknown, revoked, expired and
 * wrongly shaped keys are all just `refused`, so an answer never tells a
 * caller whether a key exists.
 */
export type IntegrationKeyAnswer =
  | { readonly kind: "accepted"; readonly key: IntegrationKey }
  | { readonly kind: "refused" }
  | { readonly kind: "rate-limited"; readonly retryAfterMs: number };

/**
 * Finds the integration key behind a secret, and counts the request against
 * that key's rate limit: each call is one request. The integration endpoints
 * depend on this alone, so where keys are stored and how they are limited
 * can change without touching them.
 */
export interface IntegrationKeyResolver {
  resolve(secret: string): Promise<IntegrationKeyAnswer>;
}
