import type {
  DeliveryReceipt,
  NotificationChannel,
  PageDelivery,
} from "../../app/notification-channel.js";
import { composePage, type PageLinks } from "../../app/page-message.js";
import type { TwilioSettings } from "./channel-setup.js";
import { postDelivery } from "./http-delivery.js";
import { requireTarget } from "./require-target.js";

/**
 * SMS through Twilio's Messages API (or any gateway that speaks it): one
 * form-encoded POST per page, authenticated with the account SID and token.
 * Twilio's message SID is kept as the provider id so a page can be traced in
 * Twilio's console.
 */
export class TwilioSmsChannel implements NotificationChannel {
  private readonly url: string;
  private readonly authorization: string;

  constructor(
    private readonly settings: TwilioSettings,
    private readonly links: PageLinks,
    private readonly timeoutMs: number,
  ) {
    const base = settings.baseUrl.href.replace(/\/$/, "");
    this.url = `${base}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`;
    const credentials = `${settings.accountSid}:${settings.authToken}`;
    this.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
  }

  async send(page: PageDelivery): Promise<DeliveryReceipt> {
    const { phoneNumber } = requireTarget(page.target, "sms");
    const form = new URLSearchParams({
      To: phoneNumber,
      From: this.settings.from,
      Body: composePage(page, this.links).short,
    });
    const body = await postDelivery({
      provider: "Twilio",
      url: this.url,
      headers: {
        authorization: this.authorization,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: form.toString(),
      timeoutMs: this.timeoutMs,
      reasonOf: twilioReason,
    });
    return { providerId: jsonField(body, "sid") };
  }
}

/** Twilio explains a refusal as `{code, message}`; both go into last_error. */
function twilioReason(body: string): string {
  const message = jsonField(body, "message");
  const code = jsonField(body, "code");
  if (message === "") return body;
  return code === "" ? message : `${message} (Twilio error ${code})`;
}

function jsonField(body: string, field: string): string {
  try {
    const value: unknown = JSON.parse(body)?.[field];
    return typeof value === "string" || typeof value === "number" ? String(value) : "";
  } catch {
    return "";
  }
}
