import { invalidArgument } from "../../platform/errors/domain-error.js";

/**
 * Control characters and unpaired surrogates: never in names, ids or
 * addresses, which people and machines compare. PostgreSQL refuses NUL and
 * unpaired surrogates outright, so they must never get as far as a write.
 */
export const CONTROL = /[\p{Cc}\p{Cs}]/u;
/** The same, but tab, line feed and carriage return are fine in text people read. */
export const CONTROL_IN_TEXT = /\p{Cs}|[^\P{Cc}\t\n\r]/u;
/** How a refusal names what {@link CONTROL} finds. */
export const UNSAYABLE = "control characters or unpaired surrogates";

/** Length in code points: the unit of limits stated as PagerDuty states them. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/**
 * Length in UTF-8 bytes: what PostgreSQL stores and indexes. Limits of
 * anything stored are counted this way, so a name of CJK characters or
 * emoji cannot take three or four times the room its length suggests, nor
 * push an index key past PostgreSQL's limit.
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** How {@link requireText} treats line structure. */
export type TextKind = "line" | "lines";

/**
 * The one rule for free text a client sends that is stored and read by
 * people (names, alert messages, who acknowledged): trimmed, required, at
 * most `maxBytes` of UTF-8, and free of control characters; `"lines"` text
 * (an alert message) may hold tabs and line breaks. `hint` tells the caller
 * what the field is for when it is missing.
 */
export function requireText(
  value: string,
  field: string,
  maxBytes: number,
  hint = "",
  kind: TextKind = "line",
): string {
  const trimmed = value.trim();
  if (trimmed === "") throw invalidArgument(field, `is required${hint === "" ? "" : ` (${hint})`}`);
  checkText(trimmed, field, maxBytes, kind);
  return trimmed;
}

/**
 * The checks of {@link requireText} for a value that may be empty or is not
 * trimmed (an address, a URL): bounded in UTF-8 bytes, no control characters.
 */
export function checkText(value: string, field: string, maxBytes: number, kind: TextKind = "line") {
  // UTF-16 units never exceed UTF-8 bytes: a cheap bound before counting.
  if (value.length > maxBytes || utf8Length(value) > maxBytes) {
    throw invalidArgument(field, `must be at most ${maxBytes} bytes in UTF-8`);
  }
  if ((kind === "lines" ? CONTROL_IN_TEXT : CONTROL).test(value)) {
    throw invalidArgument(
      field,
      `must not contain ${UNSAYABLE}${kind === "lines" ? " (tab and line breaks are fine)" : ""}`,
    );
  }
}
