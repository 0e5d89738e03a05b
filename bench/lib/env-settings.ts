/**
 * Reading BENCH_* variables. Every reader throws on a value it cannot use, so
 * a typo fails the bench before it spends minutes measuring with a value
 * nobody asked for.
 */

/** The PostgreSQL server a bench creates its throwaway database on. */
export function adminUrl(env: NodeJS.ProcessEnv): string {
  return env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
}

/** A positive number, or `fallback` when the variable is unset or empty. */
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

/** Like {@link readPositive}, and "0" turns the thing off (a warm-up, say). */
export function readPositiveOrOff(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  return env[name] === "0" ? 0 : readPositive(env, name, fallback);
}

/** One of `choices`, or `fallback` when the variable is unset or empty. */
export function readChoice<const T extends string, F extends T | null>(
  env: NodeJS.ProcessEnv,
  name: string,
  choices: readonly T[],
  fallback: F,
): T | F {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!isOneOf(raw, choices)) throw new Error(`${name}="${raw}" must be ${choices.join(" or ")}`);
  return raw;
}

/** A comma-separated list of `choices` (at least one), or `fallback`. */
export function readChoices<T extends string>(
  env: NodeJS.ProcessEnv,
  name: string,
  choices: readonly T[],
  fallback: readonly T[],
): ReadonlySet<T> {
  const raw = env[name];
  if (raw === undefined || raw === "") return new Set(fallback);
  return new Set(
    raw.split(",").map((part) => {
      const value = part.trim();
      if (!isOneOf(value, choices)) {
        throw new Error(`${name}: unknown value "${value}" (${choices.join(", ")})`);
      }
      return value;
    }),
  );
}

/** A comma-separated list of integers ≥ 1, or `fallback`. */
export function readIntegers(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: readonly number[],
): number[] {
  const raw = env[name];
  if (raw === undefined || raw === "") return [...fallback];
  return raw.split(",").map((part) => {
    const value = Number(part.trim());
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`${name}="${raw}" must list integers ≥ 1`);
    }
    return value;
  });
}

export function isOneOf<T extends string>(value: string, choices: readonly T[]): value is T {
  return (choices as readonly string[]).includes(value);
}
