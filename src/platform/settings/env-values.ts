import type {
  DurationSetting,
  FlagSetting,
  IntegerSetting,
  SecretSetting,
  TextSetting,
  UrlSetting,
} from "./setting.js";

/** The process environment as configuration reads it. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * An integer setting; a value out of range names the variable and the range.
 * `fallback` replaces the table's default when it depends on other settings.
 */
export function integer(env: Env, setting: IntegerSetting, fallback = setting.fallback): number {
  const { name, min, max } = setting;
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}="${raw}" must be an integer from ${min} to ${max}`);
  }
  return value;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * A duration setting in milliseconds: a whole number of milliseconds, or one
 * with a unit (`90d`, `12h`, `30m`, `45s`, `500ms`); a value out of range or
 * in another form names the variable, the forms and the range.
 */
export function duration(env: Env, setting: DurationSetting): number {
  const { name, min, max } = setting;
  const raw = env[name];
  if (raw === undefined || raw === "") return setting.fallback;
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(raw.trim());
  const value = match ? Number(match[1]) * (UNIT_MS[match[2] ?? "ms"] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(
      `${name}="${raw}" must be a duration from ${min} to ${max} ms, written in milliseconds ` +
        "or with a unit: 90d, 12h, 30m, 45s, 500ms",
    );
  }
  return value;
}

/** An on/off setting, accepting the usual spellings of both. */
export function flag(env: Env, setting: FlagSetting): boolean {
  const raw = env[setting.name];
  if (raw === undefined || raw === "") return setting.fallback;
  if (["1", "true", "on", "yes"].includes(raw.toLowerCase())) return true;
  if (["0", "false", "off", "no"].includes(raw.toLowerCase())) return false;
  throw new Error(`${setting.name}="${raw}" must be on or off`);
}

/**
 * A URL setting with one of its protocols (e.g. "smtp:"), or null when unset.
 * The message never repeats the value: URLs of providers carry passwords.
 */
export function optionalUrl(env: Env, setting: UrlSetting): URL | null {
  const { name, protocols } = setting;
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
 * A secret setting matching its pattern, or null when unset. The message
 * never repeats the value, which may be a real secret with a typo.
 */
export function optionalSecret(env: Env, setting: SecretSetting): string | null {
  const raw = env[setting.name];
  if (raw === undefined || raw === "") return null;
  if (!setting.pattern.test(raw)) {
    throw new Error(`${setting.name} must be ${setting.expected} (its value is not shown)`);
  }
  return raw;
}

/**
 * A free-text setting, its table default (null: unset) when empty; the
 * reader checks the shape. `fallback` replaces the table's default when it
 * depends on other settings.
 */
export function text(env: Env, setting: TextSetting & { readonly fallback: string }): string;
export function text(env: Env, setting: TextSetting, fallback?: string | null): string | null;
export function text(
  env: Env,
  setting: TextSetting,
  fallback: string | null = setting.fallback,
): string | null {
  const raw = env[setting.name];
  return raw === undefined || raw === "" ? fallback : raw;
}
