/** The most of a client's value an error message repeats. */
export const QUOTE_LIMIT = 64;

/**
 * A client's value as an error message may repeat it: in double quotes with
 * control characters escaped, and cut to its first `limit` characters with
 * the full length said. A message travels in the `grpc-message` trailer and
 * in the log: repeating a 5 MB id whole would overflow the one and flood the
 * other, and the prefix is enough to recognise the value.
 */
export function quoted(value: string, limit = QUOTE_LIMIT): string {
  if (value.length <= limit) return JSON.stringify(value);
  // Never split a surrogate pair: half a character is not valid text.
  const end = isHighSurrogate(value.charCodeAt(limit - 1)) ? limit - 1 : limit;
  return `${JSON.stringify(`${value.slice(0, end)}…`)} (${value.length} characters)`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
