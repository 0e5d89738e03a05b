import type { DescFile } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { file_grpc_health_v1_health } from "../../../gen/grpc/health/v1/health_pb.js";
import { file_grpc_reflection_v1_reflection } from "../../../gen/grpc/reflection/v1/reflection_pb.js";
import { file_grpc_reflection_v1alpha_reflection } from "../../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { AcknowledgementLinkService } from "../../../gen/pager/v1/acknowledgement_link_service_pb.js";
import { ApiKeyService } from "../../../gen/pager/v1/api_key_service_pb.js";
import { EscalationPolicyService } from "../../../gen/pager/v1/escalation_policy_pb.js";
import { NotificationService } from "../../../gen/pager/v1/notification_pb.js";
import {
  file_pager_v1_pager_service,
  PagerService,
} from "../../../gen/pager/v1/pager_service_pb.js";
import { type HealthStatusSource, registerHealth } from "../../platform/health/health-service.js";
import { registerReflection } from "../../platform/reflection/reflection-service.js";
import type { AckLinkDeps } from "../app/acknowledgement-links.js";
import type { AlertChangeFeed } from "../app/alert-change-feed.js";
import { registerAcknowledgementLinkService } from "./acknowledgement-link-handlers.js";
import { registerApiKeyService } from "./api-key-handlers.js";
import { registerEscalationPolicyService } from "./escalation-policy-handlers.js";
import { registerNotificationService } from "./notification-handlers.js";
import { registerPagerService } from "./pager-handlers.js";

/** Full names of everything served, for health checks by service name. */
export const SERVED_SERVICES = [
  PagerService.typeName,
  EscalationPolicyService.typeName,
  NotificationService.typeName,
  AcknowledgementLinkService.typeName,
  ApiKeyService.typeName,
];

/** Every file reflection describes; dependencies (target, alert, wkt) are followed from these. */
const REFLECTED_FILES: DescFile[] = [
  file_pager_v1_pager_service,
  EscalationPolicyService.file,
  NotificationService.file,
  AcknowledgementLinkService.file,
  ApiKeyService.file,
  file_grpc_health_v1_health,
  file_grpc_reflection_v1_reflection,
  file_grpc_reflection_v1alpha_reflection,
];

/** The whole public surface on one router: the pager services, health, reflection. */
export function pagerRoutes(deps: AckLinkDeps, feed: AlertChangeFeed, health: HealthStatusSource) {
  return (router: ConnectRouter) => {
    registerPagerService(router, deps, feed);
    registerEscalationPolicyService(router, deps);
    registerNotificationService(router, deps);
    registerAcknowledgementLinkService(router, deps);
    registerApiKeyService(router, deps);
    registerHealth(router, health);
    registerReflection(router, REFLECTED_FILES);
  };
}
