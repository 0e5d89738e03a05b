import type { Interceptor } from "@connectrpc/connect";
import { bearerCredential } from "../../platform/server/bearer-credential.js";
import { accessOf, methodName } from "../../platform/server/method-access.js";
import type { ApiKeyAuthenticator } from "../app/api-key-authenticator.js";
import type { KeyRateLimiter } from "../app/key-rate-limiter.js";
import { authorize } from "../domain/key-access.js";
import { CALLER } from "./caller.js";
import { METHOD_ACCESS, type MethodAccess } from "./method-access.js";

/** What checking a call needs: who the key is, and how often it may call. */
export interface AuthenticationDeps {
  readonly authenticator: ApiKeyAuthenticator;
  readonly limiter: KeyRateLimiter;
}

/**
 * The pager's one gate, before any handler: looks the method up in
 * {@link METHOD_ACCESS}, authenticates the bearer key (UNAUTHENTICATED, one
 * message for every bad key), checks its role and service binding
 * (PERMISSION_DENIED naming what is needed), takes a token from its rate
 * limit (RESOURCE_EXHAUSTED with a RetryInfo), and sets {@link CALLER} for
 * the handler. Runs inside the error mapping, so its refusals get their codes.
 */
export function authenticationInterceptor(
  deps: AuthenticationDeps,
  table: ReadonlyMap<string, MethodAccess> = METHOD_ACCESS,
): Interceptor {
  return (next) => async (request) => {
    const access = accessOf(table, request.method);
    if (access.kind !== "api-key") return next(request);
    const key = await deps.authenticator.authenticate(
      bearerCredential(request.header.get("authorization")),
    );
    const requested =
      access.requestedService === undefined || request.stream
        ? null
        : access.requestedService(request.message);
    authorize(key, methodName(request.method), access.rule, requested);
    deps.limiter.take(key);
    request.contextValues.set(CALLER, {
      actor: { kind: "api-key", apiKeyId: key.id, name: key.name },
      role: key.role,
    });
    return next(request);
  };
}
