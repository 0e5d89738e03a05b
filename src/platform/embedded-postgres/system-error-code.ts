/**
 * The `code` of a Node.js system error (`ENOENT`, `EPERM`, …). Read through `unknown` because
 * anything may be thrown, and it is the code, not the message, that tells "missing" or "not
 * allowed" apart from a real failure.
 */
export function errorCode(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code;
}
