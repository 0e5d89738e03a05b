import {
  DeliveryError,
  type DeliveryReceipt,
  type NotificationChannel,
} from "../../app/notification-channel.js";

/**
 * Stands in for a channel that is half set up. Its pages fail at once, with
 * a last_error that says which variable to set: a page quietly written to the
 * log when the operator meant to send SMS would be a page nobody receives.
 */
export class MisconfiguredChannel implements NotificationChannel {
  constructor(private readonly problem: string) {}

  async send(): Promise<DeliveryReceipt> {
    throw new DeliveryError(this.problem, true);
  }
}
