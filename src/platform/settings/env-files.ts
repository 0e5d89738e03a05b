import { readFileSync } from "node:fs";
import { type Env, text } from "./env-values.js";
import type { TextSetting } from "./setting.js";

/**
 * The contents of the file a setting names, or null when unset. Read once at
 * start, so a missing or unreadable certificate stops the process with the
 * variable's name instead of failing the first connection.
 */
export function optionalFile(env: Env, setting: TextSetting): Buffer | null {
  const file = text(env, setting);
  if (file === null) return null;
  try {
    return readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(
      `${setting.name}="${file}" cannot be read (${reason}): it must name a PEM file`,
    );
  }
}

/** Settings that only make sense together: all set or none, else the message names the missing. */
export function requireTogether(env: Env, settings: readonly TextSetting[]): void {
  const set = settings.filter((setting) => text(env, setting) !== null).map((s) => s.name);
  if (set.length === 0 || set.length === settings.length) return;
  const missing = settings.map((setting) => setting.name).filter((name) => !set.includes(name));
  throw new Error(`${set.join(" and ")} set: set ${missing.join(" and ")} too`);
}
