import { invalidArgument } from "../../platform/errors/domain-error.js";
import { quoted } from "../../platform/errors/quoted.js";

const TIMER_ID = /^[A-Za-z0-9._~:-]{1,200}$/;

/**
 * Checks a caller-chosen timer id. The alphabet is small on purpose: ids end
 * up in logs, URLs and page tokens, and callers build them from their own
 * keys (e.g. `pager-ack-<alert>-<level>-<step>`), so nothing needs escaping.
 */
export function requireTimerId(value: string, field = "timer_id"): string {
  if (value === "") throw invalidArgument(field, "is required");
  if (!TIMER_ID.test(value)) {
    throw invalidArgument(
      field,
      `${quoted(value)} must be 1 to 200 characters from A-Z a-z 0-9 and . _ - : ~`,
    );
  }
  return value;
}
