import { readFileSync } from "node:fs";
import type { Env } from "./env-values.js";

/**
 * The contents of the file a setting names, or null when unset. Read once at
 * start, so a missing or unreadable certificate stops the process with the
 * variable's name instead of failing the first connection.
 */
export function optionalFile(env: Env, name: string): Buffer | null {
  const file = env[name];
  if (file === undefined || file === "") return null;
  try {
    return readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(`${name}="${file}" cannot be read (${reason}): it must name a PEM file`);
  }
}

/** Settings that only make sense together: all set or none, else the message names the missing. */
export function requireTogether(env: Env, names: readonly string[]): void {
  const set = names.filter((name) => (env[name] ?? "") !== "");
  if (set.length === 0 || set.length === names.length) return;
  const missing = names.filter((name) => !set.includes(name));
  throw new Error(`${set.join(" and ")} set: set ${missing.join(" and ")} too`);
}
