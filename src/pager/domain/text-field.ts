import { invalidArgument } from "../../platform/errors/domain-error.js";

/**
 * The one rule for free-text fields people read (names, alert messages, who
 * acknowledged): trimmed, required, bounded. `hint` tells the caller what the
 * field is for when it is missing.
 */
export function requireText(value: string, field: string, maxLength: number, hint = ""): string {
  const trimmed = value.trim();
  if (trimmed === "") throw invalidArgument(field, `is required${hint === "" ? "" : ` (${hint})`}`);
  if (trimmed.length > maxLength) {
    throw invalidArgument(field, `must be at most ${maxLength} characters`);
  }
  return trimmed;
}
