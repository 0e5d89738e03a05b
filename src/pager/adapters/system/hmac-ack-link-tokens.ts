import { createHmac, timingSafeEqual } from "node:crypto";
import { unauthenticated } from "../../../platform/errors/domain-error.js";
import type { Clock } from "../../../platform/time/clock.js";
import type { AckLinkGrant, AckLinkTokens } from "../../app/ack-link-tokens.js";

const VERSION = 1;
/** Binds the MAC to this use, so no other signature made with the key can pass for a link. */
const PURPOSE = Buffer.from("pager acknowledgement link\n", "utf8");
const ID_BYTES = 16;
const EXPIRY_BYTES = 4;
/** 128 bits of HMAC-SHA256: plenty against forgery, and the link stays short enough for SMS. */
const MAC_BYTES = 16;
const BODY_BYTES = 1 + ID_BYTES + EXPIRY_BYTES;
const UUID_HEX = /^[0-9a-f]{32}$/;

/**
 * Tokens as `base64url(version ‖ notification uuid ‖ expiry seconds ‖ MAC)`,
 * the MAC an HMAC-SHA256 of the rest under a key every replica shares: any
 * replica verifies what another issued, without a database row per link.
 * 50 characters, so a link fits an SMS beside the page's text.
 */
export class HmacAckLinkTokens implements AckLinkTokens {
  constructor(
    private readonly key: Buffer,
    private readonly lifetimeMs: number,
    private readonly clock: Clock,
  ) {}

  issue(notificationId: string): { token: string; expireTime: Date } {
    const hex = notificationId.replaceAll("-", "").toLowerCase();
    if (!UUID_HEX.test(hex)) throw new RangeError(`not a notification id: ${notificationId}`);
    const expirySeconds = Math.ceil((this.clock.now().getTime() + this.lifetimeMs) / 1000);
    const body = Buffer.alloc(BODY_BYTES);
    body.writeUInt8(VERSION, 0);
    body.write(hex, 1, "hex");
    body.writeUInt32BE(expirySeconds, 1 + ID_BYTES);
    return {
      token: Buffer.concat([body, this.mac(body)]).toString("base64url"),
      expireTime: new Date(expirySeconds * 1000),
    };
  }

  verify(token: string): AckLinkGrant {
    const bytes = Buffer.from(token, "base64url");
    const body = bytes.subarray(0, BODY_BYTES);
    const mac = bytes.subarray(BODY_BYTES);
    const genuine =
      bytes.length === BODY_BYTES + MAC_BYTES &&
      bytes.toString("base64url") === token &&
      body.readUInt8(0) === VERSION &&
      timingSafeEqual(mac, this.mac(body));
    if (!genuine) {
      throw unauthenticated(
        "ACK_LINK_INVALID",
        "token: this acknowledgement link is not valid; use the link or the command of a page you received",
      );
    }
    const expireTime = new Date(body.readUInt32BE(1 + ID_BYTES) * 1000);
    if (expireTime.getTime() <= this.clock.now().getTime()) {
      throw unauthenticated(
        "ACK_LINK_EXPIRED",
        `token: this acknowledgement link expired at ${expireTime.toISOString()}; acknowledge with the command in the page instead`,
      );
    }
    const hex = body.toString("hex", 1, 1 + ID_BYTES);
    const notificationId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    return { notificationId, expireTime };
  }

  private mac(body: Buffer): Buffer {
    return createHmac("sha256", this.key)
      .update(PURPOSE)
      .update(body)
      .digest()
      .subarray(0, MAC_BYTES);
  }
}
