import { randomFillSync } from "node:crypto";
import type { IdGenerator } from "../../app/ports.js";

/** Bytes 6–15 of an id: random but for the version and variant bits set over them. */
const RANDOM_BYTES = 10;

/**
 * RFC 9562 version 7 ids: time-ordered, so keyset pagination by id lists in
 * creation order and inserts land at the right end of the primary key index.
 * Within one millisecond a counter keeps ids from this process increasing.
 * The random bits come from a buffer filled for many ids at once: a call to
 * the system's generator per id costs more than the rest of making it.
 */
export class UuidV7Generator implements IdGenerator {
  private lastMs = 0;
  private sequence = 0;
  private readonly random = Buffer.alloc(RANDOM_BYTES * 256);
  private used = this.random.length;

  next(): string {
    let ms = Date.now();
    if (ms <= this.lastMs) {
      ms = this.lastMs;
      this.sequence += 1;
      if (this.sequence > 0xfff) {
        ms += 1;
        this.sequence = 0;
      }
    } else {
      this.sequence = 0;
    }
    this.lastMs = ms;
    if (this.used === this.random.length) {
      randomFillSync(this.random);
      this.used = 0;
    }
    const bytes = Buffer.allocUnsafe(16);
    bytes.writeUIntBE(ms, 0, 6);
    this.random.copy(bytes, 6, this.used, this.used + RANDOM_BYTES);
    this.used += RANDOM_BYTES;
    bytes[6] = 0x70 | (this.sequence >> 8);
    bytes[7] = this.sequence & 0xff;
    bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
    const hex = bytes.toString("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}
