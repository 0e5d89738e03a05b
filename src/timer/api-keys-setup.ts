import path from "node:path";
import { generateSecret, SECRET_PATTERN, SECRET_SHAPE } from "../platform/secrets/random-secret.js";
import { createSecretFileIfAbsent, readSecretFile } from "../platform/secrets/secret-file.js";
import { hashSecret } from "../platform/secrets/secret-hash.js";
import type { TimerConfig } from "./timer-config.js";

/** The keys the timer service accepts, as hashes, and where they came from (for the start line). */
export interface TimerApiKeys {
  readonly hashes: ReadonlySet<string>;
  readonly source: string;
}

/**
 * TIMER_API_KEYS when set; otherwise the secrets in TIMER_API_KEYS_FILE,
 * which a first start creates with one fresh secret (mode 0600), so that
 * `npm run timer` is protected from its first second and the pager can be
 * given the key from that file. Replicas starting together on one machine
 * agree on one file. Only hashes are kept in memory past this point.
 */
export async function loadTimerApiKeys(config: TimerConfig): Promise<TimerApiKeys> {
  if (config.apiKeys !== null) {
    return { hashes: new Set(config.apiKeys.map(hashSecret)), source: "TIMER_API_KEYS" };
  }
  const file = path.resolve(config.apiKeysFile);
  const created = await createSecretFileIfAbsent(file, generateSecret());
  const secrets = (await readSecretFile(file)) ?? [];
  if (secrets.length === 0 || !secrets.every((secret) => SECRET_PATTERN.test(secret))) {
    throw new Error(
      `TIMER_API_KEYS_FILE (${file}) must hold one key per line, each ${SECRET_SHAPE}`,
    );
  }
  return {
    hashes: new Set(secrets.map(hashSecret)),
    source: `${created ? "created" : "read"} ${file} (mode 0600)`,
  };
}
