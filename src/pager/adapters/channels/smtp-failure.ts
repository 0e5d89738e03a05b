import type { NodemailerError } from "nodemailer";
import { DeliveryError } from "../../app/notification-channel.js";

/**
 * Sorts a failed SMTP send the way retries need it. Nodemailer marks an
 * SMTP reply `permanent` (every 5yz but 503, as RFC 5321 has it): a rejected
 * recipient or a refused login fails the page at once. Errors without a
 * reply (connection refused, timeouts) are transient, except a
 * configuration error, which no retry can fix.
 */
export function smtpFailure(error: unknown, timeoutMs: number): DeliveryError {
  const { code, response, permanent, message } = error as Partial<NodemailerError>;
  if (code === "EABORT") return new DeliveryError(`SMTP: no answer within ${timeoutMs} ms`, false);
  const answer = response ?? message ?? String(error);
  // The relay's answer alone ("500 command not recognized") would not say to what.
  const reason = code === "ETLS" ? `STARTTLS failed: ${answer}` : answer;
  return new DeliveryError(
    `SMTP ${code ?? "error"}: ${reason}`,
    permanent === true || code === "ECONFIG",
  );
}
