import type { AlertDetails } from "../domain/alert-details.js";
import type { Target } from "../domain/target.js";

/** Everything a channel needs to write a page a person can act on. */
export interface PageDelivery {
  readonly notificationId: string;
  readonly alertId: string;
  readonly level: number;
  readonly target: Target;
  readonly monitoredServiceId: string;
  readonly serviceName: string;
  readonly message: string;
  /** What monitoring said besides the message; the email lists it, the SMS shows its gist. */
  readonly details: AlertDetails;
  /** The monitoring system's deduplication key, "" when none; webhooks carry it. */
  readonly dedupKey: string;
}

/** What the provider said when it accepted the page. */
export interface DeliveryReceipt {
  /** The provider's id for the message, "" when it has none. */
  readonly providerId: string;
}

/**
 * A refusal from a channel. `permanent` failures (a rejected recipient, a
 * 4xx other than 429, a missing setting) are not retried; others are.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = "DeliveryError";
  }
}

/** One way of reaching a person: email, SMS, webhook, or the log. */
export interface NotificationChannel {
  send(page: PageDelivery): Promise<DeliveryReceipt>;
  /** Releases kept-open provider connections at shutdown, for channels that keep any. */
  close?(): void;
}
