import type { ConnectRouter } from "@connectrpc/connect";
import {
  AcknowledgementTimeoutOutcome,
  PagerService,
  type ResolveAlertRequest,
  SendAlertOutcome,
} from "../../../gen/pager/v1/pager_service_pb.js";
import { invalidArgument } from "../../platform/errors/domain-error.js";
import { acknowledgeAlert } from "../app/acknowledge-alert.js";
import type { AlertChangeFeed } from "../app/alert-change-feed.js";
import { handleAcknowledgementTimeout } from "../app/handle-acknowledgement-timeout.js";
import {
  createMonitoredService,
  deleteMonitoredService,
  getMonitoredService,
  listMonitoredServices,
  updateMonitoredService,
} from "../app/manage-monitored-services.js";
import type { AppDeps } from "../app/ports.js";
import { listAlertEvents } from "../app/query-alert-events.js";
import { getAlert, listAlerts } from "../app/query-alerts.js";
import { type ResolveAlertInput, resolveAlert } from "../app/resolve-alert.js";
import { sendAlert } from "../app/send-alert.js";
import { watchAlerts } from "../app/watch-alerts.js";
import type { TimeoutOutcome } from "../domain/escalation.js";
import { actorOf, roleOf } from "./caller.js";
import { toAlertEventPb } from "./convert/alert-event-proto.js";
import { fromAlertStateFilter, toAlertPb } from "./convert/alert-proto.js";
import { toMonitoredServicePb } from "./convert/monitored-service-proto.js";
import { toWatchAlertsResponsePb } from "./convert/watch-alerts-proto.js";

const TIMEOUT_OUTCOMES: Record<TimeoutOutcome, AcknowledgementTimeoutOutcome> = {
  escalated: AcknowledgementTimeoutOutcome.ESCALATED,
  "ignored-acknowledged": AcknowledgementTimeoutOutcome.IGNORED_ACKNOWLEDGED,
  "ignored-resolved": AcknowledgementTimeoutOutcome.IGNORED_RESOLVED,
  "ignored-stale": AcknowledgementTimeoutOutcome.IGNORED_STALE,
  "ignored-last-level": AcknowledgementTimeoutOutcome.IGNORED_LAST_LEVEL,
  "ignored-not-due": AcknowledgementTimeoutOutcome.IGNORED_NOT_DUE,
};

/** pager.v1.PagerService: alerts, their timeline, the timer callback and monitored services. */
export function registerPagerService(
  router: ConnectRouter,
  deps: AppDeps,
  feed: AlertChangeFeed,
): void {
  router.service(PagerService, {
    async sendAlert(request, context) {
      const { alert, outcome } = await sendAlert(deps, request, actorOf(context));
      return {
        alert: toAlertPb(alert),
        outcome: outcome === "created" ? SendAlertOutcome.CREATED : SendAlertOutcome.SUPPRESSED,
      };
    },
    async acknowledgeAlert(request, context) {
      return { alert: toAlertPb(await acknowledgeAlert(deps, request, actorOf(context))) };
    },
    async resolveAlert(request, context) {
      const subject = resolveSubject(request);
      const { alert, service } = await resolveAlert(deps, subject, actorOf(context));
      return {
        alert: alert === null ? undefined : toAlertPb(alert),
        monitoredService: toMonitoredServicePb(service),
      };
    },
    async handleAcknowledgementTimeout(request, context) {
      const { alert, outcome } = await handleAcknowledgementTimeout(
        deps,
        request,
        actorOf(context),
        "timer-service",
      );
      return { alert: toAlertPb(alert), outcome: TIMEOUT_OUTCOMES[outcome] };
    },
    async getAlert(request) {
      return { alert: toAlertPb(await getAlert(deps, request.alertId)) };
    },
    async listAlerts(request) {
      const page = await listAlerts(deps, {
        ...request,
        state: fromAlertStateFilter(request.state, "state"),
      });
      return { alerts: page.items.map(toAlertPb), nextPageToken: page.nextPageToken };
    },
    async listAlertEvents(request, context) {
      const page = await listAlertEvents(deps, request);
      const reader = roleOf(context);
      return {
        events: page.items.map((event) => toAlertEventPb(event, reader)),
        nextPageToken: page.nextPageToken,
      };
    },
    async *watchAlerts(request, context) {
      const reader = roleOf(context);
      for await (const update of watchAlerts(feed, request, context.signal)) {
        yield toWatchAlertsResponsePb(update, reader);
      }
    },
    async createMonitoredService(request) {
      return {
        monitoredService: toMonitoredServicePb(await createMonitoredService(deps, request)),
      };
    },
    async getMonitoredService(request) {
      const service = await getMonitoredService(deps, request.monitoredServiceId);
      return { monitoredService: toMonitoredServicePb(service) };
    },
    async listMonitoredServices(request) {
      const page = await listMonitoredServices(deps, request);
      return {
        monitoredServices: page.items.map(toMonitoredServicePb),
        nextPageToken: page.nextPageToken,
      };
    },
    async updateMonitoredService(request) {
      const changes = request.monitoredService;
      const service = await updateMonitoredService(deps, {
        id: changes?.id ?? "",
        changes: {
          name: changes?.name ?? "",
          escalationPolicyId: changes?.escalationPolicyId ?? "",
        },
        paths: request.updateMask?.paths ?? [],
      });
      return { monitoredService: toMonitoredServicePb(service) };
    },
    async deleteMonitoredService(request) {
      await deleteMonitoredService(deps, request.monitoredServiceId);
      return {};
    },
  });
}

function resolveSubject(request: ResolveAlertRequest): ResolveAlertInput {
  switch (request.subject.case) {
    case "alertId":
      return { alertId: request.subject.value };
    case "monitoredServiceId":
      return { monitoredServiceId: request.subject.value };
    default:
      throw invalidArgument("subject", "set alert_id or monitored_service_id");
  }
}
