import type { Logger } from "pino";
import { valueFreeLogger } from "../platform/logging/value-free-errors.js";
import { newMetricsRegistry } from "../platform/metrics/metrics-registry.js";
import { registerPoolMetrics } from "../platform/metrics/pool-metrics.js";
import { retentionMetrics } from "../platform/metrics/retention-metrics.js";
import { driverPool } from "../platform/postgres/driver-pool.js";
import { statisticsRefreshLoop } from "../platform/postgres/statistics-refresh-loop.js";
import { type Serving, serve } from "../platform/server/serve.js";
import type { StaticSite } from "../platform/server/static-site.js";
import type { Clock } from "../platform/time/clock.js";
import { systemClock } from "../platform/time/system-clock.js";
import { loopOutageLog } from "../platform/workers/loop-outage-log.js";
import { PollingLoop } from "../platform/workers/polling-loop.js";
import {
  RETENTION_BATCH,
  RetentionSweep,
  retentionInterval,
} from "../platform/workers/retention-sweep.js";
import { ackTimerWorkers } from "./ack-timer-workers.js";
import type { Resolver } from "./adapters/channels/webhook-destination.js";
import { registerDatabaseGauges } from "./adapters/metrics/database-gauges.js";
import { PrometheusPagerMetrics } from "./adapters/metrics/prometheus-pager-metrics.js";
import { PostgresAlertChangeLog } from "./adapters/postgres/alert-change-log.js";
import { PgAlertEventTransactions } from "./adapters/postgres/alert-event-transactions.js";
import { PgAlertPages } from "./adapters/postgres/alert-pages.js";
import { openDatabase } from "./adapters/postgres/data-source.js";
import { PostgresResolvedAlertRetention } from "./adapters/postgres/resolved-alert-retention.js";
import { sharedSecret } from "./adapters/postgres/shared-secret.js";
import { TypeormTransactionRunner } from "./adapters/postgres/transaction-runner.js";
import { HmacAckLinkTokens } from "./adapters/system/hmac-ack-link-tokens.js";
import { UuidV7Generator } from "./adapters/system/uuid-v7.js";
import type { AckLinkDeps } from "./app/acknowledgement-links.js";
import { AlertChangeFeed } from "./app/alert-change-feed.js";
import { ApiKeyAuthenticator } from "./app/api-key-authenticator.js";
import { ApiKeyIntegrationKeys } from "./app/api-key-integration-keys.js";
import type { IntegrationKeyResolver } from "./app/integration-keys.js";
import { KeyRateLimiter } from "./app/key-rate-limiter.js";
import type { WorkSignals } from "./app/ports.js";
import { notificationWorkers } from "./notification-workers.js";
import { prepareServerKeys, type ServerKeys } from "./server-keys-setup.js";
import type { PagerConfig } from "./settings/pager-config.js";
import { authenticationInterceptor } from "./transport/authentication-interceptor.js";
import { ACK_LINK_PREFIX, consoleRoutes } from "./transport/console-routes.js";
import { integrationRoutes } from "./transport/integrations/integration-routes.js";
import { readerScrapes } from "./transport/metrics-access.js";
import { pagerRoutes, SERVED_SERVICES } from "./transport/router.js";
import { WORKER_BATCH_SIZE, WORKER_IDLE_POLL_MS } from "./worker-pacing.js";

/** A running pager: where it listens and how to stop it. */
export interface RunningPager {
  readonly port: number;
  readonly host: string;
  /** Where `/metrics` is served: `port` unless PAGER_METRICS_PORT gave it one of its own. */
  readonly metricsPort: number;
  /** Stops accepting, finishes calls in flight, stops the workers, closes the pool. */
  stop(): Promise<void>;
}

/** What varies between production and tests. */
export interface PagerServerOptions {
  readonly config: PagerConfig;
  readonly databaseUrl: string;
  readonly logger: Logger;
  readonly clock?: Clock;
  /**
   * Wraps how the integration endpoints (`/v2/enqueue`,
   * `/integrations/alertmanager`) find their keys, which are API keys; tests
   * use it to make the key store fail.
   */
  readonly integrationKeys?: (apiKeys: IntegrationKeyResolver) => IntegrationKeyResolver;
  /** How webhook host names are resolved; tests point names at their own addresses. */
  readonly webhookResolver?: Resolver;
}

/** What retention deletes with a resolved alert. */
const RETAINED_TABLES = ["alerts", "notifications", "ack_timers", "alert_events"];
/** What alert events read and write: their plans must follow their growth. */
const HOT_TABLES = ["monitored_services", ...RETAINED_TABLES];
/** last_use_time moves at most this often per key and process: "to the nearest minute". */
const LAST_USE_INTERVAL_MS = 60_000;
/** Secrets remembered by the authenticator, known or not. */
const KEY_CACHE_ENTRIES = 10_000;
const WATCH_BATCH_SIZE = 500;
const WATCH_MAX_BACKLOG = 10_000;

/**
 * Wires the pager, in this order: settings, adapters (database, migrated;
 * the use cases' dependencies; API-key authentication; acknowledgement-link
 * tokens; the live feed of alert changes), the pager's own
 * keys, the gRPC/Connect server with health and reflection on one port
 * behind the keys, the workers (acknowledgement timers, dispatcher), and
 * the shutdown that undoes it all in reverse. Used by `main.ts` and by
 * the end-to-end tests, so tests exercise exactly what ships.
 */
export async function startPagerServer(options: PagerServerOptions): Promise<RunningPager> {
  const { config } = options;
  const logger = valueFreeLogger(options.logger);
  const clock = options.clock ?? systemClock;

  const { timeline } = config;
  const dataSource = await openDatabase({
    url: options.databaseUrl,
    poolSize: config.dbPoolSize,
    timeouts: config.dbTimeouts,
  });
  // Rewired below to wake the workers, which need the listening address to exist.
  const signals: WorkSignals = {
    notificationsQueued: () => {},
    timersChanged: () => {},
    eventsRecorded: () => {},
  };
  const tx = new TypeormTransactionRunner(dataSource);
  const alertTx = new PgAlertEventTransactions(
    { url: options.databaseUrl, poolSize: config.eventTransactions, timeouts: config.dbTimeouts },
    (err) => logger.warn({ err }, "idle database connection failed"),
  );
  const registry = newMetricsRegistry();
  const metrics = new PrometheusPagerMetrics(registry);
  registerDatabaseGauges(registry, dataSource, clock, config.timers.watchdogGraceMs, (err) =>
    logger.debug({ err }, "metrics could not read the database"),
  );
  const authenticator = new ApiKeyAuthenticator(
    { tx, clock },
    {
      cacheTtlMs: config.auth.keyCacheTtlMs,
      lastUseIntervalMs: LAST_USE_INTERVAL_MS,
      maxEntries: KEY_CACHE_ENTRIES,
    },
    (err) => logger.warn({ err }, "could not record when an API key was last used"),
  );
  const limiter = new KeyRateLimiter(config.auth.defaultRateLimit, clock);
  const integrationKeys = new ApiKeyIntegrationKeys(authenticator, limiter);
  const workerError = (worker: string) => loopOutageLog(logger, clock, worker);
  const feed = new AlertChangeFeed(
    new PostgresAlertChangeLog(dataSource),
    {
      pollMs: timeline.watchPollMs,
      maxWatches: timeline.maxWatches,
      batchSize: WATCH_BATCH_SIZE,
      maxBacklog: WATCH_MAX_BACKLOG,
    },
    workerError("watch-feed"),
  );
  signals.eventsRecorded = () => feed.wake();

  let deps: AckLinkDeps;
  let keys: ServerKeys;
  let serving: Serving;
  let webConsole: StaticSite;
  try {
    deps = {
      tx,
      alertTx,
      // On the main pool: a console reading lists never holds the connections paging needs.
      alertPages: new PgAlertPages(driverPool(dataSource)),
      clock,
      ids: new UuidV7Generator(),
      signals,
      keyCache: authenticator,
      timerToleranceMs: config.timers.toleranceMs,
      metrics,
      webhookHosts: config.channels.webhookHosts,
      // The operator's key when set; else one kept in the database, the same for every replica.
      ackLinks: new HmacAckLinkTokens(
        timeline.ackLinkSecret === null
          ? await sharedSecret(dataSource, "ack-link")
          : Buffer.from(timeline.ackLinkSecret, "utf8"),
        timeline.ackLinkLifetimeMs,
        clock,
      ),
    };
    keys = await prepareServerKeys(config, deps, logger);
    webConsole = consoleRoutes(config.consoleDir);
    serving = await serve({
      host: config.host,
      port: config.port,
      routes: (health) => pagerRoutes(deps, feed, health),
      services: SERVED_SERVICES,
      httpRoutes: [
        ...integrationRoutes(deps, {
          keys: options.integrationKeys?.(integrationKeys) ?? integrationKeys,
          logger,
        }),
        ...webConsole.routes,
      ],
      probe: () => dataSource.query("SELECT 1"),
      logger,
      interceptors: [authenticationInterceptor({ authenticator, limiter })],
      reach: config.reach,
      tls: config.tls,
      limits: config.limits,
      ownNames: ownNames(config),
      metrics: { registry, port: config.metricsPort, authorize: readerScrapes(authenticator) },
    });
  } catch (error) {
    // Keys that cannot be made or read, or a port already taken, must not leave the pools open.
    await alertTx.close();
    await dataSource.destroy();
    throw error;
  }
  const { server } = serving;
  const metricsPort = serving.metricsServer?.port ?? server.port;

  // Timer callbacks come back to the listening address, known for sure only now (port 0).
  const timers = ackTimerWorkers({
    config,
    dataSource,
    deps,
    logger,
    metrics,
    listening: server,
    callbackSecret: keys.callbackSecret,
    onError: workerError,
    batchSize: WORKER_BATCH_SIZE,
    maxIdleMs: WORKER_IDLE_POLL_MS,
  });
  // Pages carry the acknowledgement address, known for sure only once listening (port 0).
  const scheme = config.tls === null ? "http" : "https";
  const publicUrl = config.publicUrl ?? `${scheme}://${server.host}:${server.port}`;
  const dispatch = await notificationWorkers({
    config,
    databaseUrl: options.databaseUrl,
    clock,
    logger,
    metrics,
    links: {
      publicUrl,
      acknowledgeLink: (notificationId) =>
        `${publicUrl}${ACK_LINK_PREFIX}${deps.ackLinks.issue(notificationId).token}`,
    },
    eventsRecorded: () => feed.wake(),
    onError: workerError,
    batchSize: WORKER_BATCH_SIZE,
    maxIdleMs: WORKER_IDLE_POLL_MS,
    webhookResolver: options.webhookResolver,
  });
  registerPoolMetrics(registry, {
    main: dataSource,
    "alert-events": alertTx,
    ...(dispatch.pool === null ? {} : { dispatcher: dispatch.pool }),
  });
  signals.timersChanged = timers.wake;
  signals.notificationsQueued = dispatch.wake;
  const retention = new PollingLoop(
    new RetentionSweep(
      {
        store: new PostgresResolvedAlertRetention(dataSource),
        clock,
        log: logger,
        metrics: retentionMetrics(registry, "pager", RETAINED_TABLES),
      },
      {
        ...RETENTION_BATCH,
        retentionMs: config.retentionMs,
        intervalMs: retentionInterval(config.retentionMs),
        what: "resolved alerts",
      },
    ),
    workerError("retention"),
  );
  const statistics = statisticsRefreshLoop(
    dataSource,
    HOT_TABLES,
    logger,
    workerError("statistics"),
  );
  const loops = [...timers.loops, ...dispatch.loops, retention, statistics];
  for (const loop of loops) loop.start();
  feed.start();
  logger.info(
    {
      host: server.host,
      port: server.port,
      metrics_port: metricsPort,
      timers: timers.mode,
      dispatcher: config.dispatcher,
      public_url: publicUrl,
      channels: dispatch.channels,
      admin_key: keys.adminKey,
      timer_callback_key: keys.callbackKey,
      console: webConsole.missing === null ? "/" : `not served: ${webConsole.missing}`,
    },
    "pager listening",
  );

  return {
    port: server.port,
    host: server.host,
    metricsPort,
    async stop() {
      const closing = serving.close(config.shutdownGraceMs);
      // Watches never end by themselves: ended now, the close need not wait its grace out.
      await feed.close();
      await closing;
      await Promise.all(loops.map((loop) => loop.stop()));
      timers.close();
      await dispatch.close();
      await alertTx.close();
      await dataSource.destroy();
    },
  };
}

/** The names clients reach this pager by, besides its listening address: always allowed as Host. */
function ownNames(config: PagerConfig): string[] {
  const names: string[] = [];
  if (config.publicUrl !== null) names.push(new URL(config.publicUrl).hostname);
  const callback = config.timers.callbackEndpoint;
  if (callback !== null) names.push(callback.slice(0, callback.lastIndexOf(":")));
  return names;
}
