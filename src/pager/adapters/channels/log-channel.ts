import type { Logger } from "pino";
import type {
  DeliveryReceipt,
  NotificationChannel,
  PageDelivery,
} from "../../app/notification-channel.js";
import { maskTarget } from "../../domain/target-disclosure.js";

/**
 * Delivers a page as one structured log line: the channel of last resort when
 * no provider is configured, so that a page is at least visible to an operator.
 * The target is masked: an info-level log is no place for phone numbers and
 * addresses.
 */
export class LogChannel implements NotificationChannel {
  constructor(private readonly logger: Logger) {}

  async send(page: PageDelivery): Promise<DeliveryReceipt> {
    this.logger.info(
      {
        page: {
          notification_id: page.notificationId,
          alert_id: page.alertId,
          monitored_service_id: page.monitoredServiceId,
          service: page.serviceName,
          escalation_level: page.level,
          channel: page.target.kind,
          target: maskTarget(page.target),
          message: page.message,
        },
      },
      "page delivered to log channel",
    );
    return { providerId: "" };
  }
}
