import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Logger } from "pino";
import { LogChannel } from "./adapters/channels/log-channel.js";
import { openDatabase } from "./adapters/postgres/data-source.js";
import { NotificationDispatcher } from "./adapters/postgres/notification-dispatcher.js";
import { TimerWorker } from "./adapters/postgres/timer-worker.js";
import { TypeormTransactionRunner } from "./adapters/postgres/transaction-runner.js";
import { systemClock } from "./adapters/system/system-clock.js";
import { UuidV7Generator } from "./adapters/system/uuid-v7.js";
import { PollingLoop } from "./adapters/workers/polling-loop.js";
import { handleAcknowledgementTimeout } from "./app/handle-acknowledgement-timeout.js";
import type { AppDeps, Clock, WorkSignals } from "./app/ports.js";
import type { PagerConfig } from "./config.js";
import { errorMappingInterceptor } from "./transport/error-mapping.js";
import { withSpecGrpcMessage } from "./transport/grpc-message-encoding.js";
import { HealthMonitor } from "./transport/health-monitor.js";
import { listen } from "./transport/listen.js";
import { loggingInterceptor } from "./transport/logging-interceptor.js";
import { pagerRoutes, SERVED_SERVICES } from "./transport/router.js";

/** A running pager: where it listens and how to stop it. */
export interface RunningPager {
  readonly port: number;
  readonly host: string;
  /** Stops accepting, finishes calls in flight, stops the workers, closes the pool. */
  stop(): Promise<void>;
}

/** What varies between production and tests. */
export interface PagerServerOptions {
  readonly config: PagerConfig;
  readonly databaseUrl: string;
  readonly logger: Logger;
  readonly clock?: Clock;
}

const IDLE_POLL_MS = 1000;
const BATCH_SIZE = 100;

/**
 * Wires the pager: database (migrated), use cases, timer worker, dispatcher,
 * health and the gRPC/Connect server on one port. Used by `main.ts` and by
 * the end-to-end tests, so tests exercise exactly what ships.
 */
export async function startPagerServer(options: PagerServerOptions): Promise<RunningPager> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const dataSource = await openDatabase({ url: options.databaseUrl, poolSize: config.dbPoolSize });
  const loops: PollingLoop[] = [];
  const signals: WorkSignals = { notificationsQueued: () => {}, timersChanged: () => {} };
  const deps: AppDeps = {
    tx: new TypeormTransactionRunner(dataSource),
    clock,
    ids: new UuidV7Generator(),
    signals,
  };
  const workerError = (worker: string) => (err: unknown) =>
    logger.error({ err, worker }, "worker round failed; retrying");
  if (config.timerWorker) {
    const fire = async (timer: { alertId: string; level: number }) => {
      const { outcome } = await handleAcknowledgementTimeout(deps, timer);
      logger.info({ alert_id: timer.alertId, level: timer.level, outcome }, "timer fired");
    };
    const loop = new PollingLoop(
      new TimerWorker(dataSource, clock, fire, {
        batchSize: BATCH_SIZE,
        leaseMs: config.workerLeaseMs,
        maxIdleMs: IDLE_POLL_MS,
      }),
      workerError("timer"),
    );
    signals.timersChanged = () => loop.wake();
    loops.push(loop);
  }
  if (config.dispatcher) {
    const channel = new LogChannel(logger.child({ component: "log-channel" }));
    const loop = new PollingLoop(
      new NotificationDispatcher(dataSource, clock, () => channel, logger, {
        batchSize: BATCH_SIZE,
        leaseMs: config.workerLeaseMs,
        maxIdleMs: IDLE_POLL_MS,
        retry: { maxAttempts: config.maxDeliveryAttempts, baseDelayMs: 1000, maxDelayMs: 60_000 },
      }),
      workerError("dispatcher"),
    );
    signals.notificationsQueued = () => loop.wake();
    loops.push(loop);
  }
  const health = new HealthMonitor({
    probe: async () => {
      await dataSource.query("SELECT 1");
    },
    services: SERVED_SERVICES,
    onProbeFailure: (err) => logger.warn({ err }, "database probe failed; health NOT_SERVING"),
  });
  health.start();
  const handler = withSpecGrpcMessage(
    connectNodeAdapter({
      routes: pagerRoutes(deps, health),
      interceptors: [loggingInterceptor(logger), errorMappingInterceptor(logger)],
    }),
  );
  const server = await listen(handler, { host: config.host, port: config.port });
  for (const loop of loops) loop.start();
  logger.info(
    {
      host: server.host,
      port: server.port,
      timer_worker: config.timerWorker,
      dispatcher: config.dispatcher,
    },
    "pager listening",
  );
  return {
    port: server.port,
    host: server.host,
    async stop() {
      health.stop();
      await server.close(config.shutdownGraceMs);
      await Promise.all(loops.map((loop) => loop.stop()));
      await dataSource.destroy();
    },
  };
}
