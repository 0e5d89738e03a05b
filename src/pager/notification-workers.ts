import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import type { Clock } from "../platform/time/clock.js";
import { type LoopErrorHandler, PollingLoop } from "../platform/workers/polling-loop.js";
import {
  buildDeliveryChannels,
  type DeliveryChannels,
} from "./adapters/channels/delivery-channels.js";
import type { Resolver } from "./adapters/channels/webhook-destination.js";
import { createDataSource } from "./adapters/postgres/data-source.js";
import { KEY_LOOKUP_PLANS } from "./adapters/postgres/key-lookup-plans.js";
import { PostgresNotificationOutbox } from "./adapters/postgres/notification-outbox.js";
import { NotificationDispatcher } from "./app/notification-dispatcher.js";
import type { PageLinks } from "./app/page-message.js";
import type { DeliveryMetrics } from "./app/worker-ports.js";
import type { PagerConfig } from "./settings/pager-config.js";

/** This process's dispatcher, when the config runs one. */
export interface NotificationWorkers {
  /** Per channel: live, log only or misconfigured; null when this process does not dispatch. */
  readonly channels: DeliveryChannels["status"] | null;
  readonly loops: readonly PollingLoop[];
  /** The dispatcher's own connection pool, for its metrics; null when this process does not dispatch. */
  readonly pool: DataSource | null;
  /** Wakes the dispatcher, within {@link PAGE_GATHER_MS}, for pages just queued; wired to WorkSignals. */
  wake(): void;
  /** Closes provider and database connections; call after the loops stopped. */
  close(): Promise<void>;
}

/** What the dispatcher is built from; `links` are where pages say to acknowledge. */
export interface NotificationWiring {
  readonly config: PagerConfig;
  readonly databaseUrl: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: DeliveryMetrics;
  readonly links: PageLinks;
  /** Told when delivery outcomes and their timeline entries were written; wired to live watchers. */
  readonly eventsRecorded: () => void;
  readonly onError: (worker: string) => LoopErrorHandler;
  readonly batchSize: number;
  readonly maxIdleMs: number;
  /** How webhook host names are resolved; the system resolver unless a test names its own. */
  readonly webhookResolver?: Resolver;
}

/** Connections of the dispatcher's own: one claims, one marks pages sent, the rest record failures. */
const OUTBOX_POOL_SIZE = 4;
const MAX_DELIVERIES_IN_FLIGHT = 500;
const MAX_RETRY_DELAY_MS = 60_000;
/**
 * How long pages just queued wait for more before the dispatcher claims
 * them: in a storm one claim, and one mark, per this window rather than per
 * committed batch of alerts. A page goes out at most this much later.
 */
const PAGE_GATHER_MS = 25;

/**
 * Builds the channels and the dispatcher that delivers the outbox through
 * them. The dispatcher has a small connection pool of its own: when API calls
 * hold every connection of the main pool (an alert storm), pages must not
 * queue behind them.
 */
export async function notificationWorkers(
  wiring: NotificationWiring,
): Promise<NotificationWorkers> {
  const { config, logger } = wiring;
  if (!config.dispatcher) {
    return { channels: null, loops: [], pool: null, wake: () => {}, close: async () => {} };
  }
  const channels = buildDeliveryChannels(config.channels, {
    links: wiring.links,
    timeoutMs: config.deliveryTimeoutMs,
    logger,
    webhookResolver: wiring.webhookResolver,
  });
  const outboxDb = createDataSource({
    url: wiring.databaseUrl,
    poolSize: OUTBOX_POOL_SIZE,
    applicationName: "pager-dispatcher",
    timeouts: config.dbTimeouts,
    sessionSettings: KEY_LOOKUP_PLANS,
  });
  await outboxDb.initialize();
  const loop = new PollingLoop(
    new NotificationDispatcher(
      {
        outbox: new PostgresNotificationOutbox(outboxDb),
        channelFor: channels.channelFor,
        clock: wiring.clock,
        log: logger,
        recorded: wiring.eventsRecorded,
        metrics: wiring.metrics,
      },
      {
        batchSize: wiring.batchSize,
        maxInFlight: MAX_DELIVERIES_IN_FLIGHT,
        leaseMs: config.workerLeaseMs,
        maxIdleMs: wiring.maxIdleMs,
        retry: {
          maxAttempts: config.maxDeliveryAttempts,
          baseDelayMs: config.deliveryRetryBaseMs,
          maxDelayMs: Math.max(MAX_RETRY_DELAY_MS, config.deliveryRetryBaseMs),
        },
      },
    ),
    wiring.onError("dispatcher"),
  );
  return {
    channels: channels.status,
    loops: [loop],
    pool: outboxDb,
    wake: () => loop.wakeWithin(PAGE_GATHER_MS),
    async close() {
      channels.close();
      await outboxDb.destroy();
    },
  };
}
