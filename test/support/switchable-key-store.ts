import type {
  IntegrationKeyAnswer,
  IntegrationKeyResolver,
} from "../../src/pager/app/integration-keys.js";

/**
 * Wraps the pager's integration-key lookup (real API keys) so that a test can
 * make it fail, as a key store that is down would, and see what senders get.
 */
export class SwitchableKeyStore {
  /** While true, every lookup fails. */
  down = false;

  wrap(real: IntegrationKeyResolver): IntegrationKeyResolver {
    return {
      resolve: (secret: string): Promise<IntegrationKeyAnswer> => {
        if (this.down) return Promise.reject(new Error("the key store is unavailable"));
        return real.resolve(secret);
      },
    };
  }
}
