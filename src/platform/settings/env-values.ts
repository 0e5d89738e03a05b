/** The process environment as configuration reads it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** An integer setting; a value out of range names the variable and the range. */
export function integer(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}="${raw}" must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** An on/off setting, accepting the usual spellings of both. */
export function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (["1", "true", "on", "yes"].includes(raw.toLowerCase())) return true;
  if (["0", "false", "off", "no"].includes(raw.toLowerCase())) return false;
  throw new Error(`${name}="${raw}" must be on or off`);
}

/**
 * A URL setting with one of `protocols` (e.g. "smtp:"), or null when unset.
 * The message never repeats the value: URLs of providers carry passwords.
 */
export function optionalUrl(env: Env, name: string, protocols: readonly string[]): URL | null {
  const raw = env[name];
  if (raw === undefined || raw === "") return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} is not a URL (expected e.g. ${protocols[0]}//host:port)`);
  }
  if (!protocols.includes(url.protocol) || url.hostname === "") {
    throw new Error(`${name} must be a ${protocols.join(" or ")}//host URL`);
  }
  return url;
}

/**
 * A secret setting matching `pattern`, or null when unset. The message never
 * repeats the value, which may be a real secret with a typo.
 */
export function optionalSecret(
  env: Env,
  name: string,
  pattern: RegExp,
  expected: string,
): string | null {
  const raw = env[name];
  if (raw === undefined || raw === "") return null;
  if (!pattern.test(raw)) throw new Error(`${name} must be ${expected} (its value is not shown)`);
  return raw;
}
