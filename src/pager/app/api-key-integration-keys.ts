import { DomainError } from "../../platform/errors/domain-error.js";
import type { ApiKeyAuthenticator } from "./api-key-authenticator.js";
import type { IntegrationKeyAnswer, IntegrationKeyResolver } from "./integration-keys.js";
import type { KeyRateLimiter } from "./key-rate-limiter.js";

/**
 * The integration endpoints' keys are API keys: a routing key or bearer
 * token is the secret of an `integration` key bound to a monitored service,
 * authenticated, cached and rate limited exactly as on the RPC port. A key of
 * another role, or one bound to no service (which service would an event be
 * about?), is refused like an unknown one.
 */
export class ApiKeyIntegrationKeys implements IntegrationKeyResolver {
  constructor(
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly limiter: KeyRateLimiter,
  ) {}

  async resolve(secret: string): Promise<IntegrationKeyAnswer> {
    let key: Awaited<ReturnType<ApiKeyAuthenticator["authenticate"]>>;
    try {
      key = await this.authenticator.authenticate(secret);
    } catch (error) {
      if (error instanceof DomainError && error.kind === "unauthenticated") {
        return { kind: "refused" };
      }
      throw error;
    }
    if (key.role !== "integration" || key.monitoredServiceId === null) return { kind: "refused" };
    const retryAfterMs = this.limiter.tryTake(key);
    if (retryAfterMs !== null) return { kind: "rate-limited", retryAfterMs };
    return {
      kind: "accepted",
      key: { keyName: key.name, apiKeyId: key.id, monitoredServiceId: key.monitoredServiceId },
    };
  }
}
