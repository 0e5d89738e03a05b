/**
 * Everything an operator can set, read once at start from the environment.
 * A wrong value stops the process with a message naming the variable, rather
 * than running with a surprise.
 */
export interface PagerConfig {
  readonly host: string;
  readonly port: number;
  /** Unset: an embedded PostgreSQL in `dataDir`. */
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  readonly dbPoolSize: number;
  readonly logLevel: string;
  readonly timerWorker: boolean;
  readonly dispatcher: boolean;
  readonly workerLeaseMs: number;
  readonly maxDeliveryAttempts: number;
  readonly shutdownGraceMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Parses the environment; throws a message naming the variable on bad values. */
export function readConfig(env: Env): PagerConfig {
  return {
    host: env.PAGER_HOST || "127.0.0.1",
    port: integer(env, "PAGER_PORT", 50051, 0, 65535),
    databaseUrl: env.DATABASE_URL || null,
    dataDir: env.PAGER_DATA_DIR || ".pager-data/postgres",
    dbPoolSize: integer(env, "PAGER_DB_POOL_SIZE", 20, 1, 500),
    logLevel: env.PAGER_LOG_LEVEL || "info",
    timerWorker: flag(env, "PAGER_TIMER_WORKER", true),
    dispatcher: flag(env, "PAGER_DISPATCHER", true),
    workerLeaseMs: integer(env, "PAGER_WORKER_LEASE_MS", 30_000, 1000, 3_600_000),
    maxDeliveryAttempts: integer(env, "PAGER_MAX_DELIVERY_ATTEMPTS", 5, 1, 100),
    shutdownGraceMs: integer(env, "PAGER_SHUTDOWN_GRACE_MS", 10_000, 0, 600_000),
  };
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}="${raw}" must be an integer from ${min} to ${max}`);
  }
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (["1", "true", "on", "yes"].includes(raw.toLowerCase())) return true;
  if (["0", "false", "off", "no"].includes(raw.toLowerCase())) return false;
  throw new Error(`${name}="${raw}" must be on or off`);
}
