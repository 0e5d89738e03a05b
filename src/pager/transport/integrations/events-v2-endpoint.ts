import { randomUUID } from "node:crypto";
import { acknowledgeActiveAlert } from "../../app/acknowledge-alert.js";
import { type IntegrationKey, integrationActor } from "../../app/integration-keys.js";
import type { AppDeps } from "../../app/ports.js";
import { resolveAlert } from "../../app/resolve-alert.js";
import { sendAlert } from "../../app/send-alert.js";
import { cleanText } from "../../domain/alert-details.js";
import { triggerDetails } from "./events-v2-details.js";
import { type EventsV2Event, parseEventsV2Event } from "./events-v2-event.js";
import { accepted, INVALID_ROUTING_KEY } from "./integration-answers.js";
import {
  followUp,
  type IntegrationEndpoint,
  type IntegrationResult,
} from "./integration-endpoint.js";

/** PagerDuty's limit on a whole event. */
const MAX_EVENT_BYTES = 512 * 1024;
/** The Events API answers 202: the event is taken (PagerDuty processes it later; we already did). */
const ACCEPTED = 202;

/**
 * PagerDuty's Events API v2 (`POST /v2/enqueue`), so any tool that pages
 * through PagerDuty pages through us by changing its URL and key. The
 * `routing_key` is an integration key bound to one service. `trigger` is
 * SendAlert (its summary the message, the rest details, its dedup key kept
 * or one made up and returned); `acknowledge` and `resolve` act on the
 * service's active alert when its dedup key is the event's, and otherwise
 * change nothing but still answer 202, as PagerDuty drops events for alerts
 * that are not open.
 */
export function eventsV2Endpoint(deps: AppDeps): IntegrationEndpoint<EventsV2Event> {
  return {
    name: "events-v2",
    maxBodyBytes: MAX_EVENT_BYTES,
    parse: parseEventsV2Event,
    secret: (_request, event) => event.routingKey,
    refused: INVALID_ROUTING_KEY,
    act: (event, key) => actOn(deps, event, key),
  };
}

async function actOn(
  deps: AppDeps,
  event: EventsV2Event,
  key: IntegrationKey,
): Promise<IntegrationResult> {
  const monitoredServiceId = key.monitoredServiceId;
  const actor = integrationActor(key);
  switch (event.action) {
    case "trigger": {
      // PagerDuty makes up a unique key when the sender gave none; so do we.
      const dedupKey = event.dedupKey === "" ? randomUUID() : event.dedupKey;
      const { alert, outcome } = await sendAlert(
        deps,
        {
          monitoredServiceId,
          message: cleanText(event.summary),
          details: triggerDetails(event),
          dedupKey,
        },
        actor,
      );
      // An absorbed event's made-up key names nothing: answer with the key of the alert that took it.
      const absorbedBy = event.dedupKey === "" && outcome === "suppressed" ? alert.dedupKey : "";
      return { answer: accepted(ACCEPTED, absorbedBy || dedupKey), outcome, alertId: alert.id };
    }
    case "acknowledge": {
      const alert = await acknowledgeActiveAlert(
        deps,
        { monitoredServiceId, dedupKey: event.dedupKey, acknowledgedBy: key.keyName },
        actor,
      );
      return followUp(ACCEPTED, event.dedupKey, "acknowledged", alert);
    }
    case "resolve": {
      const { alert } = await resolveAlert(
        deps,
        { monitoredServiceId, dedupKey: event.dedupKey },
        actor,
      );
      return followUp(ACCEPTED, event.dedupKey, "resolved", alert);
    }
  }
}
