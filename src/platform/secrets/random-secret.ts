import { randomBytes } from "node:crypto";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
/** Secrets are this long: 36^32 is about 2^165, far beyond guessing. */
const LENGTH = 32;
/** The largest multiple of the alphabet's size below 256: bytes above it are redrawn, so every character is equally likely. */
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);

/**
 * The shape of every secret the project makes: 32 lower-case letters and
 * digits, like a PagerDuty integration key. Easy to paste, safe in a header,
 * a URL or a shell, and recognisable in a secret scanner's rules.
 */
export const SECRET_PATTERN = /^[a-z0-9]{32}$/;

/** A new secret from the operating system's cryptographic random source. */
export function generateSecret(): string {
  let secret = "";
  while (secret.length < LENGTH) {
    for (const byte of randomBytes(LENGTH * 2)) {
      if (byte >= UNBIASED_LIMIT) continue;
      secret += ALPHABET[byte % ALPHABET.length];
      if (secret.length === LENGTH) break;
    }
  }
  return secret;
}

/** What a secret looks like and how an operator makes one, for messages about settings. */
export const SECRET_SHAPE =
  "32 lower-case letters and digits (e.g. the output of `openssl rand -hex 16`)";
