import type { AlertEvent } from "../../gen/pager/v1/alert_event_pb.js";
import type { ApiKey } from "../../gen/pager/v1/api_key_service_pb.js";
import type { EscalationPolicy } from "../../gen/pager/v1/escalation_policy_pb.js";
import type { MonitoredService } from "../../gen/pager/v1/monitored_service_pb.js";
import type { Api } from "./api.js";

const PAGE_SIZE = 1000;

/** Every page of a list RPC, in the server's order. */
async function all<T>(
  page: (pageToken: string) => Promise<{ items: T[]; nextPageToken: string }>,
): Promise<T[]> {
  const items: T[] = [];
  let pageToken = "";
  do {
    const response = await page(pageToken);
    items.push(...response.items);
    pageToken = response.nextPageToken;
  } while (pageToken !== "");
  return items;
}

export function allServices(api: Api): Promise<MonitoredService[]> {
  return all(async (pageToken) => {
    const response = await api.pager.listMonitoredServices({ pageSize: PAGE_SIZE, pageToken });
    return { items: response.monitoredServices, nextPageToken: response.nextPageToken };
  });
}

export function allPolicies(api: Api): Promise<EscalationPolicy[]> {
  return all(async (pageToken) => {
    const response = await api.policies.listEscalationPolicies({ pageSize: PAGE_SIZE, pageToken });
    return { items: response.escalationPolicies, nextPageToken: response.nextPageToken };
  });
}

export function allKeys(api: Api): Promise<ApiKey[]> {
  return all(async (pageToken) => {
    const response = await api.keys.listApiKeys({ pageSize: PAGE_SIZE, pageToken });
    return { items: response.apiKeys, nextPageToken: response.nextPageToken };
  });
}

/** An alert's whole timeline, oldest first. */
export function allAlertEvents(api: Api, alertId: string): Promise<AlertEvent[]> {
  return all(async (pageToken) => {
    const response = await api.pager.listAlertEvents({ alertId, pageSize: PAGE_SIZE, pageToken });
    return { items: response.events, nextPageToken: response.nextPageToken };
  });
}
