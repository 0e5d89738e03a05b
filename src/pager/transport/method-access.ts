import type { DescMessage, DescMethod, DescMethodUnary, MessageShape } from "@bufbuild/protobuf";
import { AcknowledgementLinkService } from "../../../gen/pager/v1/acknowledgement_link_service_pb.js";
import { ApiKeyService } from "../../../gen/pager/v1/api_key_service_pb.js";
import { EscalationPolicyService } from "../../../gen/pager/v1/escalation_policy_pb.js";
import { NotificationService } from "../../../gen/pager/v1/notification_pb.js";
import { PagerService } from "../../../gen/pager/v1/pager_service_pb.js";
import { methodName, OPEN_SERVICES, sameAccess } from "../../platform/server/method-access.js";
import type { ApiKeyRole } from "../domain/api-key.js";
import type { KeyAccessRule, RequestedService } from "../domain/key-access.js";

/** How a method is authenticated. */
export type MethodAccess =
  /** No credential: health and reflection. */
  | { readonly kind: "open" }
  /**
   * No API key: the request carries an acknowledgement link's token, which
   * its handler checks. The token grants one acknowledgement, nothing else.
   */
  | { readonly kind: "link-token" }
  /** An API key whose role the rule allows. */
  | {
      readonly kind: "api-key";
      readonly rule: KeyAccessRule;
      /** For service-scoped methods: the monitored service the request names. */
      readonly requestedService?: (message: unknown) => RequestedService;
    };

const ADMIN: readonly ApiKeyRole[] = ["admin"];
/** Reading never changes anything: every person's role may. */
export const READERS: readonly ApiKeyRole[] = ["admin", "responder", "viewer"];
const RESPONDERS: readonly ApiKeyRole[] = ["admin", "responder"];
const ANY_ROLE: readonly ApiKeyRole[] = ["admin", "responder", "viewer", "integration", "timer"];

function keyed(method: DescMethod, roles: readonly ApiKeyRole[]): [string, MethodAccess] {
  return [methodName(method), { kind: "api-key", rule: { roles } }];
}

/** A method an integration key may call for the monitored service `serviceOf` reads from the request. */
function serviceScoped<I extends DescMessage, O extends DescMessage>(
  method: DescMethodUnary<I, O>,
  roles: readonly ApiKeyRole[],
  serviceOf: (request: MessageShape<I>) => RequestedService,
): [string, MethodAccess] {
  return [
    methodName(method),
    {
      kind: "api-key",
      rule: { roles, serviceScoped: true },
      requestedService: (message) => serviceOf(message as MessageShape<I>),
    },
  ];
}

const pager = PagerService.method;
const policies = EscalationPolicyService.method;
const notifications = NotificationService.method;
const keys = ApiKeyService.method;

/**
 * Every RPC the pager serves and who may call it, in one place. The
 * authentication interceptor reads nothing else, and a method missing here
 * is refused for everyone: a new RPC is closed until someone decides.
 */
export const METHOD_ACCESS: ReadonlyMap<string, MethodAccess> = new Map<string, MethodAccess>([
  ...sameAccess<MethodAccess>(OPEN_SERVICES, { kind: "open" }),
  ...sameAccess<MethodAccess>([AcknowledgementLinkService], { kind: "link-token" }),
  serviceScoped(pager.sendAlert, ["admin", "integration"], (r) => r.monitoredServiceId),
  keyed(pager.acknowledgeAlert, RESPONDERS),
  serviceScoped(pager.resolveAlert, ["admin", "responder", "integration"], (r) =>
    r.subject.case === "alertId" ? null : (r.subject.value ?? ""),
  ),
  keyed(pager.handleAcknowledgementTimeout, ["admin", "timer"]),
  keyed(pager.getAlert, READERS),
  keyed(pager.listAlerts, READERS),
  keyed(pager.listAlertEvents, READERS),
  keyed(pager.watchAlerts, READERS),
  keyed(pager.createMonitoredService, ADMIN),
  keyed(pager.getMonitoredService, READERS),
  keyed(pager.listMonitoredServices, READERS),
  keyed(pager.updateMonitoredService, ADMIN),
  keyed(pager.deleteMonitoredService, ADMIN),
  keyed(policies.createEscalationPolicy, ADMIN),
  keyed(policies.getEscalationPolicy, READERS),
  keyed(policies.listEscalationPolicies, READERS),
  keyed(policies.updateEscalationPolicy, ADMIN),
  keyed(policies.deleteEscalationPolicy, ADMIN),
  keyed(notifications.getNotification, READERS),
  keyed(notifications.listNotifications, READERS),
  keyed(notifications.retryNotification, RESPONDERS),
  keyed(keys.createApiKey, ADMIN),
  keyed(keys.getApiKey, ADMIN),
  keyed(keys.listApiKeys, ADMIN),
  keyed(keys.getCurrentApiKey, ANY_ROLE),
  keyed(keys.revokeApiKey, ADMIN),
]);
