import { createTransport, type SMTPPoolSentMessageInfo, type Transporter } from "nodemailer";
import {
  DeliveryError,
  type DeliveryReceipt,
  type NotificationChannel,
  type PageDelivery,
} from "../../app/notification-channel.js";
import { composePage, type PageLinks } from "../../app/page-message.js";
import type { SmtpSettings } from "./channel-setup.js";
import { requireTarget } from "./require-target.js";
import { smtpFailure } from "./smtp-failure.js";

/** Open SMTP connections; more lets a page storm go out in parallel. */
const MAX_CONNECTIONS = 5;

/**
 * Email through an SMTP relay with nodemailer, over a small pool of kept-open
 * connections. `smtp://` upgrades with STARTTLS when the server offers it,
 * and insists on it when the settings say so (credentials in the URL),
 * `smtps://` is TLS from the start. Nodemailer's own requeueing is off: the
 * dispatcher decides retries, so a page is never sent twice behind its back.
 */
export class SmtpEmailChannel implements NotificationChannel {
  private readonly transport: Transporter<SMTPPoolSentMessageInfo>;

  constructor(
    private readonly settings: SmtpSettings,
    private readonly links: PageLinks,
    private readonly timeoutMs: number,
  ) {
    this.transport = createTransport({
      url: settings.url.href,
      pool: true,
      maxConnections: MAX_CONNECTIONS,
      maxRequeues: 0,
      requireTLS: settings.requireTls,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
  }

  async send(page: PageDelivery): Promise<DeliveryReceipt> {
    const { address } = requireTarget(page.target, "email");
    const message = composePage(page, this.links);
    let info: SMTPPoolSentMessageInfo;
    try {
      info = await this.transport.sendMail({
        from: this.settings.from,
        to: address,
        subject: message.subject,
        text: message.body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw smtpFailure(error, this.timeoutMs);
    }
    if (info.rejected.length > 0) {
      throw new DeliveryError(`the SMTP server rejected the recipient ${address}`, true);
    }
    return { providerId: info.serverMessageId ?? info.messageId };
  }

  /** Closes the pooled connections. */
  close(): void {
    this.transport.close();
  }
}
