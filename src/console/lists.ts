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
