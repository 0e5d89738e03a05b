import { ApiKeyRole } from "../../gen/pager/v1/api_key_service_pb.js";

/** What the signed-in key may do, so the page offers nothing the server would refuse. */
export interface Abilities {
  /** Acknowledge, resolve, retry a failed page. */
  readonly respond: boolean;
  /** Manage services, policies and keys. */
  readonly administer: boolean;
}

/** The abilities of a role; null for roles meant for machines, which cannot sign in. */
export function abilitiesOf(role: ApiKeyRole): Abilities | null {
  switch (role) {
    case ApiKeyRole.ADMIN:
      return { respond: true, administer: true };
    case ApiKeyRole.RESPONDER:
      return { respond: true, administer: false };
    case ApiKeyRole.VIEWER:
      return { respond: false, administer: false };
    default:
      return null;
  }
}

/** The role as people read it. */
export function roleName(role: ApiKeyRole): string {
  return (ApiKeyRole[role] ?? "unknown").toLowerCase();
}
