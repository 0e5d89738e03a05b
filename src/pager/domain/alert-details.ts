import { invalidArgument } from "../../platform/errors/domain-error.js";
import { CONTROL, CONTROL_IN_TEXT, characterCount, UNSAYABLE } from "./text-field.js";

/**
 * What a monitoring system said besides the message (a PagerDuty event's
 * source and severity, Alertmanager's labels), by short key. Pages show it,
 * so the limits keep a page readable and a row small.
 */
export type AlertDetails = Readonly<Record<string, string>>;

/**
 * Limits, counted in characters (Unicode code points) as PagerDuty counts its
 * own: a summary Alertmanager cut to 1024 characters must never be refused
 * for holding an emoji that JavaScript counts twice.
 */
export const DETAILS_LIMITS = {
  entries: 64,
  keyLength: 64,
  valueLength: 1024,
  dedupKeyLength: 255,
} as const;

/** The detail key that says entries were left out to fit the limits. */
export const LEFT_OUT_KEY = "details.left_out";

const CONTROLS = new RegExp(CONTROL, "gu");
const CONTROLS_IN_TEXT = new RegExp(CONTROL_IN_TEXT, "gu");

/**
 * Checks details a caller sent with SendAlert. Refuses rather than trims: a
 * client of the API can fix its request, and a silently shortened detail
 * would mislead the person paged.
 */
export function validateDetails(
  details: Readonly<Record<string, string>>,
  field = "details",
): AlertDetails {
  const entries = Object.entries(details);
  if (entries.length > DETAILS_LIMITS.entries) {
    throw invalidArgument(
      field,
      `has ${entries.length} entries; at most ${DETAILS_LIMITS.entries} are allowed`,
    );
  }
  for (const [key, value] of entries) {
    const at = `${field}[${JSON.stringify(cut(key, 40))}]`;
    if (key.trim() === "") throw invalidArgument(field, "keys must not be empty");
    if (characterCount(key) > DETAILS_LIMITS.keyLength) {
      throw invalidArgument(at, `key must be at most ${DETAILS_LIMITS.keyLength} characters`);
    }
    if (CONTROL.test(key)) {
      throw invalidArgument(at, `key must not contain ${UNSAYABLE}`);
    }
    if (characterCount(value) > DETAILS_LIMITS.valueLength) {
      throw invalidArgument(at, `value must be at most ${DETAILS_LIMITS.valueLength} characters`);
    }
    if (CONTROL_IN_TEXT.test(value)) {
      throw invalidArgument(
        at,
        `value must not contain ${UNSAYABLE} (tab and line breaks are fine)`,
      );
    }
  }
  return Object.fromEntries(entries);
}

/** Checks a monitoring system's deduplication key; empty means none. */
export function validateDedupKey(dedupKey: string, field = "dedup_key"): string {
  const problem = dedupKeyProblem(dedupKey);
  if (problem !== null) throw invalidArgument(field, problem);
  return dedupKey;
}

/**
 * What is wrong with a deduplication key, or null: one rule for SendAlert and
 * for the integration endpoints, which word their refusals as PagerDuty does.
 */
export function dedupKeyProblem(dedupKey: string): string | null {
  if (characterCount(dedupKey) > DETAILS_LIMITS.dedupKeyLength) {
    return `must be at most ${DETAILS_LIMITS.dedupKeyLength} characters`;
  }
  return CONTROL.test(dedupKey) ? `must not contain ${UNSAYABLE}` : null;
}

/**
 * Makes whatever a monitoring system sent fit the limits instead of refusing
 * it: an Alertmanager that gets a 4xx never retries, so refusing a page for
 * its 65th label would lose the page. Keys and values are cut (marked with
 * "…"), control characters become spaces, and entries past the limit are
 * left out, which {@link LEFT_OUT_KEY} then says. Empty values and keys are
 * dropped: they tell the person paged nothing.
 */
export function fitDetails(entries: Iterable<readonly [string, string]>): AlertDetails {
  const fitted = new Map<string, string>();
  for (const [rawKey, rawValue] of entries) {
    const key = cut(rawKey.replace(CONTROLS, " ").trim(), DETAILS_LIMITS.keyLength);
    const value = cut(cleanText(rawValue).trim(), DETAILS_LIMITS.valueLength);
    if (key !== "" && value !== "" && !fitted.has(key)) fitted.set(key, value);
  }
  if (fitted.size <= DETAILS_LIMITS.entries) return Object.fromEntries(fitted);
  const kept = [...fitted].slice(0, DETAILS_LIMITS.entries - 1);
  const leftOut = fitted.size - kept.length;
  return Object.fromEntries([...kept, [LEFT_OUT_KEY, `${leftOut} more entries did not fit`]]);
}

/**
 * Text from outside made storable: unpaired surrogates and control
 * characters other than tab and line breaks become spaces.
 */
export function cleanText(text: string): string {
  return text.replace(CONTROLS_IN_TEXT, " ");
}

/** `text` cut to `max` characters, the last one "…" when anything was cut. */
export function cut(text: string, max: number): string {
  if (characterCount(text) <= max) return text;
  return `${Array.from(text)
    .slice(0, max - 1)
    .join("")}…`;
}
