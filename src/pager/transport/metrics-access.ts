import type { ScrapeAuthorizer } from "../../platform/metrics/metrics-route.js";
import { bearerCredential } from "../../platform/server/bearer-credential.js";
import type { ApiKeyAuthenticator } from "../app/api-key-authenticator.js";
import { authorize } from "../domain/key-access.js";
import { READERS } from "./method-access.js";

/**
 * Who may scrape `/metrics` on the API port: any key that may read
 * (`viewer`, `responder`, `admin`), as an RPC presents it. The series name
 * no target, but they say how busy and how healthy the pager is, which is
 * nobody's business outside; a metrics port of its own is open instead.
 */
export function readerScrapes(authenticator: ApiKeyAuthenticator): ScrapeAuthorizer {
  return async (authorization) => {
    const key = await authenticator.authenticate(bearerCredential(authorization));
    authorize(key, "GET /metrics", { roles: READERS }, null);
  };
}
