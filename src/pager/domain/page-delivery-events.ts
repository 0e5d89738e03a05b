import { alertEvent, type NewAlertEvent, type PageRef } from "./alert-event.js";
import type { Cause } from "./escalation.js";
import type { Target } from "./target.js";

/** A page on its way, as delivery knows it: which notification, of which alert, to whom. */
export interface PageInDelivery {
  /** The notification. */
  readonly id: string;
  readonly alertId: string;
  readonly monitoredServiceId: string;
  readonly level: number;
  readonly target: Target;
}

/** The timeline entry of a page its channel accepted at the `attempt`-th try. */
export function pageSent(
  page: PageInDelivery,
  delivery: { readonly attempt: number; readonly providerMessageId: string },
  cause: Cause,
): NewAlertEvent {
  return alertEvent(alertOf(page), cause.actor, cause.now, {
    kind: "page-sent",
    ...pageRef(page),
    ...delivery,
  });
}

/**
 * The timeline entry of a failed delivery attempt; `final` when no more will
 * be made and the page is FAILED, so the timeline tells a failure that will
 * be retried from the one that gave up.
 */
export function pageFailed(
  page: PageInDelivery,
  failure: { readonly attempt: number; readonly error: string; readonly final: boolean },
  cause: Cause,
): NewAlertEvent {
  return alertEvent(alertOf(page), cause.actor, cause.now, {
    kind: "page-failed",
    ...pageRef(page),
    ...failure,
  });
}

function alertOf(page: PageInDelivery) {
  return { id: page.alertId, monitoredServiceId: page.monitoredServiceId };
}

function pageRef(page: PageInDelivery): PageRef {
  return { notificationId: page.id, level: page.level, target: page.target };
}
