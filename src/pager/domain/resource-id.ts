import { invalidArgument } from "../../platform/errors/domain-error.js";
import { quoted } from "../../platform/errors/quoted.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Checks a client-supplied id before it reaches storage, so a malformed id is
 * INVALID_ARGUMENT naming the field rather than a database syntax error.
 */
export function requireId(value: string, field: string): string {
  if (value === "") throw invalidArgument(field, "is required");
  const id = value.toLowerCase();
  if (!UUID.test(id))
    throw invalidArgument(field, `${quoted(value)} is not a valid id (expected a UUID)`);
  return id;
}
