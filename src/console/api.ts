import { type Client, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { AcknowledgementLinkService } from "../../gen/pager/v1/acknowledgement_link_service_pb.js";
import { ApiKeyService } from "../../gen/pager/v1/api_key_service_pb.js";
import { EscalationPolicyService } from "../../gen/pager/v1/escalation_policy_pb.js";
import { NotificationService } from "../../gen/pager/v1/notification_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";

/** The pager's API as this page calls it: the same contract as every other client. */
export interface Api {
  readonly pager: Client<typeof PagerService>;
  readonly notifications: Client<typeof NotificationService>;
  readonly policies: Client<typeof EscalationPolicyService>;
  readonly keys: Client<typeof ApiKeyService>;
}

function presenting(secret: string): Interceptor {
  return (next) => (request) => {
    request.header.set("authorization", `Bearer ${secret}`);
    return next(request);
  };
}

/** Clients that present `secret` on every call, to the server that served this page. */
export function apiWithKey(secret: string): Api {
  const transport = createConnectTransport({
    baseUrl: window.location.origin,
    interceptors: [presenting(secret)],
  });
  return {
    pager: createClient(PagerService, transport),
    notifications: createClient(NotificationService, transport),
    policies: createClient(EscalationPolicyService, transport),
    keys: createClient(ApiKeyService, transport),
  };
}

/** The acknowledgement-link calls, which carry a link's token and no key. */
export function linkApi(): Client<typeof AcknowledgementLinkService> {
  return createClient(
    AcknowledgementLinkService,
    createConnectTransport({ baseUrl: window.location.origin }),
  );
}
