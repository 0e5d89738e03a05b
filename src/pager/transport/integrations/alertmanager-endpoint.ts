import { type IntegrationKey, integrationActor } from "../../app/integration-keys.js";
import type { AppDeps } from "../../app/ports.js";
import { resolveAlert } from "../../app/resolve-alert.js";
import { sendAlert } from "../../app/send-alert.js";
import { groupDedupKey, groupDetails, groupMessage } from "./alertmanager-alert.js";
import {
  type AlertmanagerNotification,
  parseAlertmanagerNotification,
} from "./alertmanager-notification.js";
import { accepted, UNAUTHORIZED } from "./integration-answers.js";
import {
  followUp,
  type IntegrationEndpoint,
  type IntegrationResult,
} from "./integration-endpoint.js";

/** Alertmanager sends whole groups; with many alerts and annotations they get large. */
const MAX_NOTIFICATION_BYTES = 1024 * 1024;
const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Alertmanager's webhook receiver (`POST /integrations/alertmanager`,
 * payload version 4), authenticated with `Authorization: Bearer <integration
 * key>` as `http_config.authorization` sends it. A `firing` group triggers
 * an alert on the key's service, its group key the dedup key; `resolved` is
 * the healthy event for the alert that group opened.
 */
export function alertmanagerEndpoint(deps: AppDeps): IntegrationEndpoint<AlertmanagerNotification> {
  return {
    name: "alertmanager",
    maxBodyBytes: MAX_NOTIFICATION_BYTES,
    parse: parseAlertmanagerNotification,
    secret: (request) => BEARER.exec(request.headers.authorization ?? "")?.[1] ?? "",
    refused: UNAUTHORIZED,
    act: (notification, key) => actOn(deps, notification, key),
  };
}

async function actOn(
  deps: AppDeps,
  notification: AlertmanagerNotification,
  key: IntegrationKey,
): Promise<IntegrationResult> {
  const monitoredServiceId = key.monitoredServiceId;
  const dedupKey = groupDedupKey(notification);
  if (notification.status === "firing") {
    const { alert, outcome } = await sendAlert(
      deps,
      {
        monitoredServiceId,
        message: groupMessage(notification),
        details: groupDetails(notification),
        dedupKey,
      },
      integrationActor(key),
    );
    return { answer: accepted(200, dedupKey), outcome, alertId: alert.id };
  }
  const { alert } = await resolveAlert(
    deps,
    { monitoredServiceId, dedupKey },
    integrationActor(key),
  );
  return followUp(200, dedupKey, "resolved", alert);
}
