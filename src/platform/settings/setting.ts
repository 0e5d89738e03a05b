/**
 * One environment variable an operator may set, as both its reader and its
 * documentation see it: the readers in env-values.ts take these, `--help`
 * prints them and the README's configuration tables repeat them (a test
 * holds the three together), so what is documented is what is read.
 */
interface SettingBase {
  readonly name: string;
  /** What it changes and why one would set it; Markdown, as the README shows it. */
  readonly meaning: string;
  /**
   * The default as documented, when it is not simply the value the reader
   * falls back to (e.g. it depends on another setting); Markdown.
   */
  readonly shownDefault?: string;
}

/** A whole number within [min, max]. */
export interface IntegerSetting extends SettingBase {
  readonly kind: "integer";
  readonly fallback: number;
  readonly min: number;
  readonly max: number;
}

/**
 * A length of time in milliseconds within [min, max], written as a number of
 * milliseconds or with a unit (`90d`, `12h`, `30m`, `45s`, `500ms`);
 * `fallback` is shown as `shownDefault`, which should use the unit.
 */
export interface DurationSetting extends SettingBase {
  readonly kind: "duration";
  readonly fallback: number;
  readonly min: number;
  readonly max: number;
}

const DAY_MS = 86_400_000;

/**
 * How long a program keeps what finished (resolved alerts, finished timers)
 * before retention deletes it: `name`, its default in days, and its meaning.
 */
export function retentionSetting(name: string, days: number, meaning: string): DurationSetting {
  return {
    kind: "duration",
    name,
    fallback: days * DAY_MS,
    min: 60_000,
    max: 3650 * DAY_MS,
    shownDefault: `\`${days}d\``,
    meaning: `${meaning} Written in milliseconds or with a unit: \`90d\`, \`12h\`, \`30m\` (1 minute to 3650 days). See [Retention](#retention).`,
  };
}

/** On or off. */
export interface FlagSetting extends SettingBase {
  readonly kind: "flag";
  readonly fallback: boolean;
}

/** A URL with one of `protocols` (e.g. "smtp:"), unset by default. */
export interface UrlSetting extends SettingBase {
  readonly kind: "url";
  readonly protocols: readonly string[];
}

/** A secret matching `pattern` (`expected` describes it), unset by default; never shown. */
export interface SecretSetting extends SettingBase {
  readonly kind: "secret";
  readonly pattern: RegExp;
  readonly expected: string;
}

/** Free text its reader checks; null: unset by default. */
export interface TextSetting extends SettingBase {
  readonly kind: "text";
  readonly fallback: string | null;
}

/** Any setting of the table. */
export type Setting =
  | IntegerSetting
  | DurationSetting
  | FlagSetting
  | UrlSetting
  | SecretSetting
  | TextSetting;

/** The default as the README and `--help` show it (Markdown). */
export function shownDefault(setting: Setting): string {
  if (setting.shownDefault !== undefined) return setting.shownDefault;
  switch (setting.kind) {
    case "integer":
    case "duration":
      return `\`${setting.fallback}\``;
    case "flag":
      return setting.fallback ? "`on`" : "`off`";
    case "text":
      return setting.fallback === null ? "unset" : `\`${setting.fallback}\``;
    default:
      return "unset";
  }
}
