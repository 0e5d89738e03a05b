import { createHash } from "node:crypto";

/**
 * What is stored and compared instead of a secret: its SHA-256, hex. A fast
 * hash is enough because the secrets are random and long (no dictionary to
 * try), and it lets a key be found by an index on the hash in one lookup,
 * which a salted slow hash would not.
 */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}
