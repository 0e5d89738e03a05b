import { invalidArgument, notFound } from "../../platform/errors/domain-error.js";
import { quoted } from "../../platform/errors/quoted.js";
import {
  fetchSlice,
  type ListRequest,
  type ListSlice,
  parseListRequest,
} from "../../platform/listing/list-cursor.js";
import type { AlertEvent } from "../domain/alert-event.js";
import { requireId } from "../domain/resource-id.js";
import type { AppDeps } from "./ports.js";

const EVENT_ID = /^[1-9][0-9]{0,18}$/;

/**
 * Pages through an alert's timeline, oldest first in commit order. An alert
 * that does not exist is NOT_FOUND rather than a misleading empty history.
 */
export function listAlertEvents(
  deps: AppDeps,
  input: ListRequest & { readonly alertId: string },
): Promise<ListSlice<AlertEvent>> {
  const alertId = requireId(input.alertId, "alert_id");
  const cursor = parseListRequest(input, requireEventId);
  return deps.tx.run(async (uow) => {
    if ((await uow.alerts.get(alertId)) === null) throw notFound("alert", alertId, "alert_id");
    return fetchSlice(cursor, (c) => uow.alertEvents.list(alertId, c));
  });
}

/** Timeline entries are numbered by the server; anything else is no entry of ours. */
function requireEventId(value: string, field: string): string {
  if (!EVENT_ID.test(value)) throw invalidArgument(field, `${quoted(value)} is not an event id`);
  return value;
}
