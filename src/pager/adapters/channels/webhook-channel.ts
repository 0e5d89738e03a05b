import { createHmac } from "node:crypto";
import type {
  DeliveryReceipt,
  NotificationChannel,
  PageDelivery,
} from "../../app/notification-channel.js";
import { acknowledgeUrl, composePage, type PageLinks } from "../../app/page-message.js";
import type { WebhookHostRule } from "../../domain/webhook-hosts.js";
import type { WebhookSettings } from "./channel-setup.js";
import { postDelivery } from "./http-delivery.js";
import { httpDeliveryError } from "./http-delivery-error.js";
import { requireTarget } from "./require-target.js";
import {
  BlockedDestination,
  checkDestination,
  guardedAgents,
  type Resolver,
} from "./webhook-destination.js";

/** The header carrying `sha256=<hex HMAC-SHA256 of the raw body>` when a secret is set. */
export const SIGNATURE_HEADER = "x-pager-signature-256";

/**
 * POSTs the page as JSON to the target's URL. A retried page carries the same
 * `Idempotency-Key` (the notification id), so a receiver that saw the first
 * attempt succeed can drop the repeat; the HMAC signature lets it refuse
 * bodies that did not come from this pager.
 */
export class WebhookChannel implements NotificationChannel {
  private readonly agents;

  constructor(
    private readonly settings: WebhookSettings,
    private readonly links: PageLinks,
    private readonly timeoutMs: number,
    private readonly hosts: WebhookHostRule,
    resolver?: Resolver,
  ) {
    this.agents = guardedAgents(hosts, resolver);
  }

  close(): void {
    this.agents["http:"].destroy();
    this.agents["https:"].destroy();
  }

  async send(page: PageDelivery): Promise<DeliveryReceipt> {
    const { url } = requireTarget(page.target, "webhook");
    try {
      checkDestination(new URL(url), this.hosts);
    } catch (error) {
      if (error instanceof BlockedDestination) {
        throw httpDeliveryError("the webhook", { refused: error.message });
      }
      throw error;
    }
    const message = composePage(page, this.links);
    const body = JSON.stringify({
      notification_id: page.notificationId,
      alert_id: page.alertId,
      monitored_service_id: page.monitoredServiceId,
      service: page.serviceName,
      level: page.level,
      message: page.message,
      details: page.details,
      dedup_key: page.dedupKey,
      text: message.short,
      acknowledge_url: acknowledgeUrl(this.links.publicUrl),
      acknowledge_link: message.acknowledgeLink,
    });
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "idempotency-key": page.notificationId,
    };
    if (this.settings.secret !== null) {
      const digest = createHmac("sha256", this.settings.secret).update(body).digest("hex");
      headers[SIGNATURE_HEADER] = `sha256=${digest}`;
    }
    await postDelivery({
      provider: "the webhook",
      url,
      headers,
      body,
      timeoutMs: this.timeoutMs,
      // The status line only: a receiver's body is not ours to record or show.
      reasonOf: (_body, statusText) => statusText,
      agents: this.agents,
    });
    return { providerId: "" };
  }
}
