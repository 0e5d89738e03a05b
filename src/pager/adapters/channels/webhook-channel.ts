import { createHmac } from "node:crypto";
import type {
  DeliveryReceipt,
  NotificationChannel,
  PageDelivery,
} from "../../app/notification-channel.js";
import { acknowledgeUrl, composePage } from "../../app/page-message.js";
import type { WebhookSettings } from "./channel-setup.js";
import { postDelivery } from "./http-delivery.js";
import { requireTarget } from "./require-target.js";

/** The header carrying `sha256=<hex HMAC-SHA256 of the raw body>` when a secret is set. */
export const SIGNATURE_HEADER = "x-pager-signature-256";

/**
 * POSTs the page as JSON to the target's URL. A retried page carries the same
 * `Idempotency-Key` (the notification id), so a receiver that saw the first
 * attempt succeed can drop the repeat; the HMAC signature lets it refuse
 * bodies that did not come from this pager.
 */
export class WebhookChannel implements NotificationChannel {
  constructor(
    private readonly settings: WebhookSettings,
    private readonly publicUrl: string,
    private readonly timeoutMs: number,
  ) {}

  async send(page: PageDelivery): Promise<DeliveryReceipt> {
    const { url } = requireTarget(page.target, "webhook");
    const body = JSON.stringify({
      notification_id: page.notificationId,
      alert_id: page.alertId,
      monitored_service_id: page.monitoredServiceId,
      service: page.serviceName,
      level: page.level,
      message: page.message,
      details: page.details,
      dedup_key: page.dedupKey,
      text: composePage(page, this.publicUrl).short,
      acknowledge_url: acknowledgeUrl(this.publicUrl),
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
      reasonOf: (text) => text,
    });
    return { providerId: "" };
  }
}
