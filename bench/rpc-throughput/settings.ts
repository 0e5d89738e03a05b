import { readPositive } from "../env-number.js";

/** The measured phases, in the order they run at each concurrency. */
export type PhaseName = "health" | "cycle" | "ack";

/** Every knob of a run, read once from the environment so a typo fails before any setup. */
export interface Settings {
  readonly adminUrl: string;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly concurrencies: readonly number[];
  readonly services: number;
  readonly ackPool: number;
  readonly phases: ReadonlySet<PhaseName>;
  readonly workersPerChannel: number;
  readonly setupConcurrency: number;
  readonly serverLogLevel: string;
  readonly sqlStats: boolean;
  readonly profile: { phase: PhaseName; concurrency: number } | null;
}

/** The concurrency the targets are stated at; also the default of BENCH_CPU_PROF's @N. */
export const TARGET_CONCURRENCY = 32;

/** Reads the BENCH_* variables (see bench/rpc-throughput.ts), throwing on a value it cannot use. */
export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const positive = (name: string, fallback: number) => readPositive(env, name, fallback);
  const concurrencies = (env.BENCH_CONCURRENCY || "1,8,32").split(",").map((part) => {
    const value = Number(part.trim());
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`BENCH_CONCURRENCY="${env.BENCH_CONCURRENCY}" must list integers ≥ 1`);
    }
    return value;
  });
  const phases = new Set<PhaseName>();
  for (const part of (env.BENCH_PHASES || "health,cycle,ack").split(",")) {
    const phase = part.trim();
    if (phase !== "health" && phase !== "cycle" && phase !== "ack") {
      throw new Error(`BENCH_PHASES: unknown phase "${phase}" (health, cycle, ack)`);
    }
    phases.add(phase);
  }
  let profile: Settings["profile"] = null;
  if (env.BENCH_CPU_PROF) {
    const [phase, at] = env.BENCH_CPU_PROF.split("@");
    if (phase !== "health" && phase !== "cycle" && phase !== "ack") {
      throw new Error(`BENCH_CPU_PROF="${env.BENCH_CPU_PROF}": use <health|cycle|ack>[@N]`);
    }
    const concurrency = at === undefined ? TARGET_CONCURRENCY : Number(at);
    if (!concurrencies.includes(concurrency)) {
      throw new Error(`BENCH_CPU_PROF="${env.BENCH_CPU_PROF}": ${at} is not in BENCH_CONCURRENCY`);
    }
    profile = { phase, concurrency };
  }
  const maxConcurrency = Math.max(...concurrencies);
  const services = Math.floor(positive("BENCH_SERVICES", 200));
  if (services < maxConcurrency) {
    throw new Error(`BENCH_SERVICES=${services} must be ≥ the highest concurrency`);
  }
  return {
    adminUrl: env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test",
    seconds: positive("BENCH_SECONDS", 5),
    warmupSeconds: env.BENCH_WARMUP_SECONDS === "0" ? 0 : positive("BENCH_WARMUP_SECONDS", 2),
    concurrencies,
    services,
    ackPool: Math.max(maxConcurrency, Math.floor(positive("BENCH_ACK_POOL", 1000))),
    phases,
    workersPerChannel: 8,
    setupConcurrency: Math.max(16, maxConcurrency),
    serverLogLevel: env.BENCH_SERVER_LOG_LEVEL || "warn",
    sqlStats: env.BENCH_SQL_STATS === "1",
    profile,
  };
}

/** The probe is preloaded only when asked for, so a plain run measures an uninstrumented server. */
export function needsProbe(settings: Settings): boolean {
  return settings.sqlStats || settings.profile !== null;
}

/** Targets are judged at {@link TARGET_CONCURRENCY}, or the highest one run when it was left out. */
export function targetConcurrency(settings: Settings): number {
  return settings.concurrencies.includes(TARGET_CONCURRENCY)
    ? TARGET_CONCURRENCY
    : Math.max(...settings.concurrencies);
}
