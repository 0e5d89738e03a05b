/**
 * A positive number from a BENCH_* variable, or `fallback` when it is unset
 * or empty. Throws on anything else, so a typo fails the bench before it
 * spends minutes measuring with a value nobody asked for.
 */
export function readPositive(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  options: { integer?: boolean } = {},
): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  const valid = options.integer ? Number.isInteger(value) : Number.isFinite(value);
  if (!valid || value <= 0) throw new Error(`${name}="${raw}" must be > 0`);
  return value;
}
