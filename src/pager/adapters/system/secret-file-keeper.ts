import path from "node:path";
import { readSecretFile, writeSecretFile } from "../../../platform/secrets/secret-file.js";
import type { SecretKeeper } from "../../app/ports.js";

/** A secret kept in a file only its owner can read (mode 0600); `location` is the absolute path. */
export function secretFileKeeper(file: string): SecretKeeper {
  const location = path.resolve(file);
  return {
    location,
    async read() {
      const [secret] = (await readSecretFile(location)) ?? [];
      return secret ?? null;
    },
    write: (secret) => writeSecretFile(location, secret),
  };
}
