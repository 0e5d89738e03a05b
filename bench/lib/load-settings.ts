import {
  adminUrl,
  isOneOf,
  readChoices,
  readIntegers,
  readPositive,
  readPositiveOrOff,
} from "./env-settings.js";

/** The knobs every load run has, read once from the environment. */
export interface LoadSettings<N extends string = string> {
  readonly adminUrl: string;
  /** Length of each measured phase at each concurrency. */
  readonly seconds: number;
  /** Each phase briefly, untimed, before the first figure; 0 skips it. */
  readonly warmupSeconds: number;
  readonly concurrencies: readonly number[];
  /**
   * How many times every phase runs at each concurrency, one round after
   * the other: the median round's figure is the verdict, so one slow spell
   * of a shared machine moves it less.
   */
  readonly rounds: number;
  /** The phases to run; the bench orders them. */
  readonly phases: ReadonlySet<N>;
  /** Workers sharing one HTTP/2 connection. */
  readonly workersPerChannel: number;
  /** How many setup calls go out at once. */
  readonly setupConcurrency: number;
  readonly serverLogLevel: string;
  /** BENCH_SQL_STATS=1: count the server's statements per unit of work. */
  readonly sqlStats: boolean;
  /** BENCH_CPU_PROF=<phase>[@N]: V8 profile of the server during that phase. */
  readonly profile: { readonly phase: N; readonly concurrency: number } | null;
}

/**
 * Reads BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_CONCURRENCY, BENCH_ROUNDS,
 * BENCH_PHASES, BENCH_SQL_STATS, BENCH_CPU_PROF and BENCH_SERVER_LOG_LEVEL.
 * `profileConcurrency` is the @N of a BENCH_CPU_PROF that names none.
 */
export function readLoadSettings<N extends string>(
  env: NodeJS.ProcessEnv,
  phaseNames: readonly N[],
  profileConcurrency: number,
): LoadSettings<N> {
  const concurrencies = readIntegers(env, "BENCH_CONCURRENCY", [1, 8, 32]);
  let profile: LoadSettings<N>["profile"] = null;
  if (env.BENCH_CPU_PROF) {
    const [phase = "", at] = env.BENCH_CPU_PROF.split("@");
    if (!isOneOf(phase, phaseNames)) {
      throw new Error(`BENCH_CPU_PROF="${env.BENCH_CPU_PROF}": use <${phaseNames.join("|")}>[@N]`);
    }
    const concurrency = at === undefined ? profileConcurrency : Number(at);
    if (!concurrencies.includes(concurrency)) {
      throw new Error(`BENCH_CPU_PROF="${env.BENCH_CPU_PROF}": ${at} is not in BENCH_CONCURRENCY`);
    }
    profile = { phase, concurrency };
  }
  return {
    adminUrl: adminUrl(env),
    seconds: readPositive(env, "BENCH_SECONDS", 5),
    warmupSeconds: readPositiveOrOff(env, "BENCH_WARMUP_SECONDS", 2),
    concurrencies,
    rounds: readPositive(env, "BENCH_ROUNDS", 1),
    phases: readChoices(env, "BENCH_PHASES", phaseNames, phaseNames),
    workersPerChannel: 8,
    setupConcurrency: Math.max(16, ...concurrencies),
    serverLogLevel: env.BENCH_SERVER_LOG_LEVEL || "warn",
    sqlStats: env.BENCH_SQL_STATS === "1",
    profile,
  };
}

/** The probe is preloaded only when asked for, so a plain run measures an uninstrumented server. */
export function needsProbe(settings: LoadSettings): boolean {
  return settings.sqlStats || settings.profile !== null;
}
