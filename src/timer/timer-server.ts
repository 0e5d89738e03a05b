import type { Logger } from "pino";
import { DomainError } from "../platform/errors/domain-error.js";
import { valueFreeLogger } from "../platform/logging/value-free-errors.js";
import { newMetricsRegistry } from "../platform/metrics/metrics-registry.js";
import { registerPoolMetrics } from "../platform/metrics/pool-metrics.js";
import { retentionMetrics } from "../platform/metrics/retention-metrics.js";
import { statisticsRefreshLoop } from "../platform/postgres/statistics-refresh-loop.js";
import { hashSecret } from "../platform/secrets/secret-hash.js";
import { bearerCredential } from "../platform/server/bearer-credential.js";
import { serve } from "../platform/server/serve.js";
import type { Clock } from "../platform/time/clock.js";
import { systemClock } from "../platform/time/system-clock.js";
import { loopOutageLog } from "../platform/workers/loop-outage-log.js";
import { PollingLoop } from "../platform/workers/polling-loop.js";
import {
  RETENTION_BATCH,
  RetentionSweep,
  retentionInterval,
} from "../platform/workers/retention-sweep.js";
import { GrpcCallbackSender } from "./adapters/grpc/callback-sender.js";
import { PrometheusTimerMetrics } from "./adapters/metrics/prometheus-timer-metrics.js";
import { openTimerDatabase } from "./adapters/postgres/data-source.js";
import { DueTimeListener } from "./adapters/postgres/due-time-listener.js";
import { PostgresDueTimerQueue } from "./adapters/postgres/due-timer-queue.js";
import { PostgresFinishedTimerRetention } from "./adapters/postgres/finished-timer-retention.js";
import { TypeormTimerStore } from "./adapters/postgres/timer-store.js";
import { loadTimerApiKeys } from "./api-keys-setup.js";
import type { TimerDeps } from "./app/ports.js";
import { type FiringOptions, TimerFiring } from "./app/timer-firing.js";
import type { TimerConfig } from "./timer-config.js";
import { apiKeyInterceptor, INVALID_TIMER_KEY_MESSAGE } from "./transport/api-key-interceptor.js";
import { TIMER_SERVED_SERVICES, timerRoutes } from "./transport/router.js";

/** A running timer service: where it listens and how to stop it. */
export interface RunningTimerService {
  readonly port: number;
  readonly host: string;
  /** Where `/metrics` is served: `port` unless TIMER_METRICS_PORT gave it one of its own. */
  readonly metricsPort: number;
  /** Stops taking calls, stops claiming, lets deliveries in flight end, closes the pool. */
  stop(): Promise<void>;
}

/** What varies between production and tests. */
export interface TimerServerOptions {
  readonly config: TimerConfig;
  readonly databaseUrl: string;
  readonly logger: Logger;
  readonly clock?: Clock;
}

/**
 * Wires one timer service replica, in this order: settings, adapters
 * (its API keys; database, migrated; the callback sender), the timer.v1 API
 * behind the keys, with health and reflection on one port, the firing loop
 * woken by LISTEN/NOTIFY, and the shutdown that undoes it all in reverse.
 * Used by `main.ts` and by tests, so tests run what ships. Replicas share
 * nothing but the database.
 */
export async function startTimerServer(options: TimerServerOptions): Promise<RunningTimerService> {
  const { config } = options;
  const logger = valueFreeLogger(options.logger);
  const clock = options.clock ?? systemClock;
  const keys = await loadTimerApiKeys(config);

  const dataSource = await openTimerDatabase({
    url: options.databaseUrl,
    poolSize: config.dbPoolSize,
    timeouts: config.dbTimeouts,
  });
  const deps: TimerDeps = {
    store: new TypeormTimerStore(dataSource),
    clock,
    allowlist: config.allowlist,
  };
  const sender = new GrpcCallbackSender(config.callbackTls);
  const registry = newMetricsRegistry();
  registerPoolMetrics(registry, { main: dataSource });
  const metrics = new PrometheusTimerMetrics(registry, dataSource, (err) =>
    logger.debug({ err }, "metrics could not read the database"),
  );

  const serving = await serve({
    host: config.host,
    port: config.port,
    routes: (health) => timerRoutes(deps, health),
    services: TIMER_SERVED_SERVICES,
    probe: () => dataSource.query("SELECT 1"),
    logger,
    errorDomain: "timer.v1",
    interceptors: [apiKeyInterceptor(keys.hashes)],
    reach: config.reach,
    tls: config.tls,
    limits: config.limits,
    metrics: {
      registry,
      port: config.metricsPort,
      // The same keys as the API: whoever may set timers may see how they fare.
      authorize: async (authorization) => {
        const secret = bearerCredential(authorization);
        if (secret === null || !keys.hashes.has(hashSecret(secret))) {
          throw new DomainError("unauthenticated", "API_KEY_INVALID", INVALID_TIMER_KEY_MESSAGE);
        }
      },
    },
  }).catch(async (error: unknown) => {
    await dataSource.destroy();
    throw error;
  });

  const firing = new TimerFiring(
    {
      queue: new PostgresDueTimerQueue(dataSource),
      sender,
      clock,
      allowlist: config.allowlist,
      log: logger,
      metrics,
    },
    firingOptions(config),
  );
  const loop = new PollingLoop(firing, loopOutageLog(logger, clock, "firing"));
  const retention = new PollingLoop(
    new RetentionSweep(
      {
        store: new PostgresFinishedTimerRetention(dataSource),
        clock,
        log: logger,
        metrics: retentionMetrics(registry, "timer", ["timers"]),
      },
      {
        ...RETENTION_BATCH,
        retentionMs: config.retentionMs,
        intervalMs: retentionInterval(config.retentionMs),
        what: "finished timers",
      },
    ),
    loopOutageLog(logger, clock, "retention"),
  );
  const statistics = statisticsRefreshLoop(
    dataSource,
    ["timer.timers"],
    logger,
    loopOutageLog(logger, clock, "statistics"),
  );
  const listener = new DueTimeListener(
    options.databaseUrl,
    (fireTime) => loop.wakeWithin(fireTime.getTime() - clock.now().getTime()),
    logger,
  );
  await listener.start();
  loop.start();
  retention.start();
  statistics.start();
  const { server } = serving;
  logger.info(
    {
      host: server.host,
      port: server.port,
      metrics_port: serving.metricsServer?.port ?? server.port,
      callback_allowlist: config.allowlist.entries(),
      api_keys: keys.source,
    },
    "timer service listening",
  );

  return {
    port: server.port,
    host: server.host,
    metricsPort: serving.metricsServer?.port ?? server.port,
    async stop() {
      await serving.close(config.shutdownGraceMs);
      await listener.stop();
      await loop.stop();
      await retention.stop();
      await statistics.stop();
      sender.close();
      await dataSource.destroy();
    },
  };
}

/** The firing loop's pace and retries, as the operator set them. */
function firingOptions(config: TimerConfig): FiringOptions {
  return {
    batchSize: config.batchSize,
    maxInFlight: config.maxInFlight,
    leaseMs: config.leaseMs,
    deadlineMs: config.callbackDeadlineMs,
    maxIdleMs: config.maxIdleMs,
    retry: {
      maxAttempts: config.maxAttempts,
      baseDelayMs: config.retryBaseMs,
      maxDelayMs: config.retryMaxMs,
    },
  };
}
