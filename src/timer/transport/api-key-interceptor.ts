import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { TimerService } from "../../../gen/timer/v1/timer_service_pb.js";
import { hashSecret } from "../../platform/secrets/secret-hash.js";
import { bearerCredential } from "../../platform/server/bearer-credential.js";
import { accessOf, OPEN_SERVICES, sameAccess } from "../../platform/server/method-access.js";

/** Every method the timer service serves: health and reflection open, timer.v1 with a key. */
const TIMER_ACCESS: ReadonlyMap<string, "open" | "api-key"> = new Map([
  ...sameAccess(OPEN_SERVICES, "open" as const),
  ...sameAccess([TimerService], "api-key" as const),
]);

/** The one answer to every missing, malformed or unknown key. */
export const INVALID_TIMER_KEY_MESSAGE =
  'a valid API key is required: send "authorization: Bearer <key>" with one of the keys this timer service accepts (TIMER_API_KEYS)';

/**
 * The timer service's gate: every timer.v1 call presents one of the keys it
 * accepts (compared by hash), or is UNAUTHENTICATED. A timer carries a
 * credential to its callee and calls it from inside the network, so setting
 * one must be as guarded as the callee itself. Methods missing from the
 * table are refused.
 */
export function apiKeyInterceptor(acceptedHashes: ReadonlySet<string>): Interceptor {
  return (next) => async (request) => {
    if (accessOf(TIMER_ACCESS, request.method) === "open") return next(request);
    const secret = bearerCredential(request.header.get("authorization"));
    if (secret === null || !acceptedHashes.has(hashSecret(secret))) {
      throw new ConnectError(INVALID_TIMER_KEY_MESSAGE, Code.Unauthenticated);
    }
    return next(request);
  };
}
