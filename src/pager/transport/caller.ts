import { createContextKey, type HandlerContext } from "@connectrpc/connect";
import type { Actor } from "../domain/actor.js";
import type { ApiKeyRole } from "../domain/api-key.js";

/**
 * Who is calling, as authentication established it. Handlers read it to pass
 * the actor into use cases, so what a change records is what was proven, not
 * what a request body claims.
 */
export interface Caller {
  readonly actor: Actor;
  /** The role of the API key the call was made with; absent when none was presented. */
  readonly role?: ApiKeyRole;
}

/** Before authentication runs (or where none is required) the caller is unknown. */
const UNAUTHENTICATED: Caller = { actor: { kind: "system", name: "unauthenticated" } };

/** Set per request by the authentication interceptor. */
export const CALLER = createContextKey<Caller>(UNAUTHENTICATED, {
  description: "the authenticated caller of this RPC",
});

/** The actor a handler passes into a use case. */
export function actorOf(context: HandlerContext): Actor {
  return context.values.get(CALLER).actor;
}

/** The caller's role, which decides how much of a response it may read; null without a key. */
export function roleOf(context: HandlerContext): ApiKeyRole | null {
  return context.values.get(CALLER).role ?? null;
}
