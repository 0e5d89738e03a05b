import { invalidArgument, notFound } from "../../platform/errors/domain-error.js";
import type { Actor } from "../domain/actor.js";
import type { Alert } from "../domain/alert.js";
import { type Target, targetLabel } from "../domain/target.js";
import type { AckLinkTokens } from "./ack-link-tokens.js";
import { acknowledgeAlert } from "./acknowledge-alert.js";
import type { AppDeps } from "./ports.js";

/** What the acknowledgement-link use cases are built from. */
export interface AckLinkDeps extends AppDeps {
  readonly ackLinks: AckLinkTokens;
}

/** What a link is about, as the page behind it shows it. */
export interface AcknowledgementLink {
  readonly alert: Alert;
  readonly monitoredServiceName: string;
  readonly target: Target;
  readonly expireTime: Date;
}

/**
 * Reads what a link is about. It changes nothing, so the link scanners of
 * mail systems, which open every link, acknowledge nothing.
 */
export async function getAcknowledgementLink(
  deps: AckLinkDeps,
  token: string,
): Promise<AcknowledgementLink> {
  const grant = deps.ackLinks.verify(requireToken(token));
  return deps.tx.run(async (uow) => {
    const notification = await uow.notifications.get(grant.notificationId);
    const alert = notification === null ? null : await uow.alerts.get(notification.alertId);
    const service = alert === null ? null : await uow.services.get(alert.monitoredServiceId);
    if (notification === null || alert === null || service === null) throw deleted(grant);
    return {
      alert,
      monitoredServiceName: service.name,
      target: notification.target,
      expireTime: grant.expireTime,
    };
  });
}

/**
 * Acknowledges the link's alert on behalf of the target the page went to:
 * the token proves that whoever holds it received that page, and grants
 * nothing else. Recorded as acknowledged by that target.
 */
export async function acknowledgeByLink(deps: AckLinkDeps, token: string): Promise<Alert> {
  const grant = deps.ackLinks.verify(requireToken(token));
  const notification = await deps.tx.run((uow) => uow.notifications.get(grant.notificationId));
  if (notification === null) throw deleted(grant);
  const label = targetLabel(notification.target);
  const actor: Actor = { kind: "acknowledgement-link", name: label };
  return acknowledgeAlert(deps, { alertId: notification.alertId, acknowledgedBy: label }, actor);
}

function requireToken(token: string): string {
  if (token === "") throw invalidArgument("token", "is required: the part of the link after /ack/");
  return token;
}

/** A genuine link whose alert was deleted since (with its service, or by retention). */
function deleted(grant: { notificationId: string }) {
  return notFound("page", grant.notificationId, "token");
}
