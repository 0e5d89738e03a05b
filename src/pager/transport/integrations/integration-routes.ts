import { exactPath, type HttpRoute } from "../../../platform/server/http-routes.js";
import type { AppDeps } from "../../app/ports.js";
import { alertmanagerEndpoint } from "./alertmanager-endpoint.js";
import { eventsV2Endpoint } from "./events-v2-endpoint.js";
import { type IntegrationContext, integrationHandler } from "./integration-endpoint.js";

/** Where monitoring systems page through the pager, on its one port. */
export const EVENTS_V2_PATH = "/v2/enqueue";
export const ALERTMANAGER_PATH = "/integrations/alertmanager";

/** The integration endpoints as plain HTTP routes next to the RPCs. */
export function integrationRoutes(deps: AppDeps, context: IntegrationContext): HttpRoute[] {
  return [
    exactPath(EVENTS_V2_PATH, integrationHandler(eventsV2Endpoint(deps), context)),
    exactPath(ALERTMANAGER_PATH, integrationHandler(alertmanagerEndpoint(deps), context)),
  ];
}
