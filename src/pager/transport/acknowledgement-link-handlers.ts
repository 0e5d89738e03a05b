import type { ConnectRouter } from "@connectrpc/connect";
import { AcknowledgementLinkService } from "../../../gen/pager/v1/acknowledgement_link_service_pb.js";
import { toTimestamp } from "../../platform/proto/proto-time.js";
import {
  type AckLinkDeps,
  acknowledgeByLink,
  getAcknowledgementLink,
} from "../app/acknowledgement-links.js";
import { toAlertPb } from "./convert/alert-proto.js";
import { toTargetPb } from "./convert/target-proto.js";

/**
 * pager.v1.AcknowledgementLinkService: the page behind a page's link. Its
 * calls are authorised by the link's token alone, never by an API key.
 */
export function registerAcknowledgementLinkService(router: ConnectRouter, deps: AckLinkDeps): void {
  router.service(AcknowledgementLinkService, {
    async getAcknowledgementLink(request) {
      const link = await getAcknowledgementLink(deps, request.token);
      return {
        alert: toAlertPb(link.alert),
        monitoredServiceName: link.monitoredServiceName,
        // No key, no role: a webhook's URL is shown as to any reader without one.
        target: toTargetPb(link.target, null),
        expireTime: toTimestamp(link.expireTime),
      };
    },
    async acknowledgeByLink(request) {
      return { alert: toAlertPb(await acknowledgeByLink(deps, request.token)) };
    },
  });
}
