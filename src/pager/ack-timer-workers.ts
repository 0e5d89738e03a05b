import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { type LoopErrorHandler, PollingLoop } from "../platform/workers/polling-loop.js";
import { PostgresAckTimerRelayQueue } from "./adapters/postgres/ack-timer-relay-queue.js";
import { PostgresDueAckTimerQueue } from "./adapters/postgres/due-ack-timer-queue.js";
import { PostgresOverdueAckTimers } from "./adapters/postgres/overdue-ack-timers.js";
import { TimerServiceClient } from "./adapters/timer-service/timer-service-client.js";
import { AckTimerFiring } from "./app/ack-timer-firing.js";
import { AckTimerRelay } from "./app/ack-timer-relay.js";
import { AckTimerWatchdog } from "./app/ack-timer-watchdog.js";
import { handleAcknowledgementTimeout } from "./app/handle-acknowledgement-timeout.js";
import type { AppDeps, TimerChange } from "./app/ports.js";
import type { AckTimerMetrics, RelayMetrics } from "./app/worker-ports.js";
import type { Actor } from "./domain/actor.js";
import type { PagerConfig } from "./settings/pager-config.js";

/** The loops that make acknowledgement timers happen, in the mode the config chose. */
export interface AckTimerWorkers {
  readonly mode: "in-process" | "external" | "off";
  readonly loops: readonly PollingLoop[];
  /** Wakes the worker that acts on this kind of change; wired to WorkSignals. */
  wake(change: TimerChange): void;
  /** Closes what the loops used; call after they stopped. */
  close(): void;
}

/** What the workers are built from; `listening` is the pager's bound address. */
export interface AckTimerWiring {
  readonly config: PagerConfig;
  readonly dataSource: DataSource;
  readonly deps: AppDeps;
  readonly logger: Logger;
  readonly metrics: AckTimerMetrics & RelayMetrics;
  readonly listening: { readonly host: string; readonly port: number };
  /** The timer-role secret every callback carries; set whenever a timer service is used. */
  readonly callbackSecret: string | null;
  readonly onError: (worker: string) => LoopErrorHandler;
  readonly batchSize: number;
  readonly maxIdleMs: number;
}

const TIMER_SERVICE_TIMEOUT_MS = 5000;
/** Who escalates when timers fire in this process. */
const TIMER_WORKER: Actor = { kind: "system", name: "timer worker" };
const RELAY_RETRY = { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 500, maxDelayMs: 10_000 };

/**
 * In-process (no PAGER_TIMER_URL): the timer worker fires due rows itself.
 * External: the relay hands rows to the timer service and the watchdog
 * re-arms those whose callback never came; the callbacks arrive as
 * HandleAcknowledgementTimeout RPCs like any external timer's. With
 * PAGER_TIMER_WORKER=off, this process runs neither.
 */
export function ackTimerWorkers(wiring: AckTimerWiring): AckTimerWorkers {
  if (!wiring.config.timerWorker) {
    return { mode: "off", loops: [], wake: () => {}, close: () => {} };
  }
  return wiring.config.timers.serviceUrl === null
    ? inProcessWorkers(wiring)
    : externalWorkers(wiring, wiring.config.timers.serviceUrl);
}

/** One loop that fires due timers through the same use case as the RPC. */
function inProcessWorkers(wiring: AckTimerWiring): AckTimerWorkers {
  const { config, dataSource, deps, logger } = wiring;
  const firing = new AckTimerFiring(
    {
      queue: new PostgresDueAckTimerQueue(dataSource),
      fire: async (timer) =>
        (await handleAcknowledgementTimeout(deps, timer, TIMER_WORKER, "in-process-worker"))
          .outcome,
      clock: deps.clock,
      log: logger,
      metrics: wiring.metrics,
    },
    { batchSize: wiring.batchSize, leaseMs: config.workerLeaseMs, maxIdleMs: wiring.maxIdleMs },
  );
  const loop = new PollingLoop(firing, wiring.onError("timer"));
  // A timer armed to fire later needs no round now, only one no later than it is due: a
  // storm arms thousands of timers minutes ahead, and a round (two statements) per commit
  // would find none of them due.
  const wake = (change: TimerChange) => {
    if (change.kind === "armed") {
      loop.wakeWithin(Math.max(0, change.fireTime.getTime() - deps.clock.now().getTime()));
    }
  };
  return { mode: "in-process", loops: [loop], wake, close: () => {} };
}

/** The relay to the timer service, and the watchdog behind it. */
function externalWorkers(wiring: AckTimerWiring, serviceUrl: string): AckTimerWorkers {
  const { config, dataSource, deps, logger } = wiring;
  if (config.timers.apiKey === null || wiring.callbackSecret === null) {
    throw new Error("a timer service needs PAGER_TIMER_API_KEY and a timer callback key");
  }
  const client = new TimerServiceClient({
    url: serviceUrl,
    tls: config.timers.tls,
    apiKey: config.timers.apiKey,
    callbackEndpoint: config.timers.callbackEndpoint ?? callbackEndpointOf(wiring.listening),
    callbackSecret: wiring.callbackSecret,
    timeoutMs: Math.min(TIMER_SERVICE_TIMEOUT_MS, Math.floor(config.workerLeaseMs / 2)),
  });
  const relay = new PollingLoop(
    new AckTimerRelay(
      {
        queue: new PostgresAckTimerRelayQueue(dataSource),
        timers: client,
        clock: deps.clock,
        log: logger,
        metrics: wiring.metrics,
      },
      {
        batchSize: wiring.batchSize,
        leaseMs: config.workerLeaseMs,
        maxIdleMs: wiring.maxIdleMs,
        retry: RELAY_RETRY,
      },
    ),
    wiring.onError("timer-relay"),
  );
  const graceMs = config.timers.watchdogGraceMs;
  const watchdog = new PollingLoop(
    new AckTimerWatchdog(
      {
        overdue: new PostgresOverdueAckTimers(dataSource),
        clock: deps.clock,
        log: logger,
        onRearm: () => relay.wake(),
      },
      { graceMs, intervalMs: Math.min(15_000, Math.max(500, Math.floor(graceMs / 2))) },
    ),
    wiring.onError("timer-watchdog"),
  );
  return {
    mode: "external",
    loops: [relay, watchdog],
    wake: () => relay.wake(),
    close: () => client.close(),
  };
}

/** Listening on every interface says nothing about where to call: loopback does. */
function callbackEndpointOf(listening: { host: string; port: number }): string {
  const anyHost = listening.host === "0.0.0.0" || listening.host === "::";
  const host = anyHost ? "127.0.0.1" : listening.host;
  return host.includes(":") ? `[${host}]:${listening.port}` : `${host}:${listening.port}`;
}
