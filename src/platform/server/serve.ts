import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { HealthMonitor } from "../health/health-monitor.js";
import type { HealthStatusSource } from "../health/health-service.js";
import { metricsRoute, OPEN_SCRAPES, type ScrapeAuthorizer } from "../metrics/metrics-route.js";
import { rpcMetricsInterceptor } from "../metrics/rpc-metrics.js";
import { systemClock } from "../time/system-clock.js";
import type { ServerTls } from "../tls/server-tls.js";
import { OutageLog } from "../workers/outage-log.js";
import { BrowserReachPolicy, type BrowserReachSettings } from "./browser-reach.js";
import { guardBrowserReach } from "./browser-reach-guard.js";
import { withDeadlineCap } from "./deadline-cap.js";
import { errorMappingInterceptor } from "./error-mapping.js";
import { withSpecGrpcMessage } from "./grpc-message-encoding.js";
import { type HttpRoute, httpRouteFallback } from "./http-routes.js";
import { type ListeningServer, listen } from "./listen.js";
import { loggingInterceptor } from "./logging-interceptor.js";
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from "./server-limits.js";

/** The dependency health follows. */
const DATABASE = "database";

/** What a service puts on its one port. */
export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  /** The service's routes; health is handed in so they can serve grpc.health.v1 from it. */
  readonly routes: (health: HealthStatusSource) => (router: ConnectRouter) => void;
  /** Full names of the served services, for health checks by name. */
  readonly services: readonly string[];
  /** Resolves while the database answers; health follows it. */
  readonly probe: () => Promise<unknown>;
  readonly logger: Logger;
  /** ErrorInfo domain of refusals, the API package (default "pager.v1"). */
  readonly errorDomain?: string;
  /** Plain HTTP endpoints on the same port, for paths that are not RPCs. */
  readonly httpRoutes?: readonly HttpRoute[];
  /**
   * The program's own, innermost: they run after errors are mapped and logged,
   * so a refusal they throw (authentication, rate limits) gets its precise code.
   */
  readonly interceptors?: readonly Interceptor[];
  /** Which hosts and web origins may reach the port. */
  readonly reach: BrowserReachSettings;
  /**
   * Names the program is known to be reached by (its public URL's host, its
   * callback address): always allowed as `Host`, with the listening address.
   */
  readonly ownNames?: readonly string[];
  /** Set: the port speaks TLS (and mutual TLS with a client CA) instead of cleartext. */
  readonly tls?: ServerTls | null;
  /** Request size, connections, streams, idle time and deadlines; defaults when unset. */
  readonly limits?: ServerLimits;
  readonly metrics: MetricsServing;
}

/** Where the program's metrics are scraped, and by whom. */
export interface MetricsServing {
  readonly registry: Registry;
  /** A port of their own, open to any scraper; null: `/metrics` on the API port, behind `authorize`. */
  readonly port: number | null;
  /** Who may scrape on the API port: the program's own keys. */
  readonly authorize: ScrapeAuthorizer;
}

/** A service listening, and its health. */
export interface Serving {
  readonly server: ListeningServer;
  readonly health: HealthMonitor;
  /** The metrics port when it is not the API port, as bound (port 0 picks one). */
  readonly metricsServer: ListeningServer | null;
  /** Reports NOT_SERVING, then closes the port, letting calls in flight finish within `graceMs`. */
  close(graceMs: number): Promise<void>;
}

/**
 * Serves routes the way every process of this project does: one port for
 * gRPC, gRPC-Web and Connect, health from a database probe, one log line per
 * RPC, domain refusals mapped to precise codes, grpc-message encoded so that
 * grpc-js clients read it right, and browsers kept to the hosts and origins
 * the program allows. The pager and the timer service share
 * it, so they behave alike for operators and clients.
 */
export async function serve(options: ServeOptions): Promise<Serving> {
  const { logger, metrics } = options;
  // Probed every 200 ms while down: one line when it fails, a summary every 30 s, one when back.
  const probes = new OutageLog(logger, systemClock, {
    failing: "database probe failed; health NOT_SERVING",
    recovered: "database probe succeeded; health SERVING",
  });
  const health = new HealthMonitor({
    probe: async () => {
      await options.probe();
      probes.succeeded(DATABASE);
    },
    services: options.services,
    onProbeFailure: (err) => probes.failed(DATABASE, { err }),
  });
  const reach = new BrowserReachPolicy(options.reach, [options.host, ...(options.ownNames ?? [])]);
  const limits = options.limits ?? DEFAULT_SERVER_LIMITS;
  const unaryPaths = new Set<string>();
  const adapter = connectNodeAdapter({
    routes: (router) => {
      options.routes(health)(router);
      for (const handler of router.handlers) {
        if (handler.method.methodKind === "unary") unaryPaths.add(handler.requestPath);
      }
    },
    // Also bounds decompression: a small gzip frame cannot inflate past it.
    readMaxBytes: limits.maxRequestBytes,
    interceptors: [
      loggingInterceptor(logger),
      rpcMetricsInterceptor(metrics.registry),
      // A call that lost the database turns health NOT_SERVING now, not at the next poll.
      errorMappingInterceptor(logger, options.errorDomain, () => {
        if (health.current("") === "SERVING") void health.checkNow();
      }),
      ...(options.interceptors ?? []),
    ],
    fallback: httpRouteFallback([
      ...(options.httpRoutes ?? []),
      ...(metrics.port === null ? [scrapes(metrics.authorize)] : []),
    ]),
  });
  const handler = withSpecGrpcMessage(
    guardBrowserReach(
      withDeadlineCap(adapter, limits.maxDeadlineMs, (path) => unaryPaths.has(path)),
      reach,
      logger,
    ),
  );
  const server = await listen(handler, {
    host: options.host,
    port: options.port,
    tls: options.tls ?? null,
    limits,
  });
  let metricsServer: ListeningServer | null = null;
  if (metrics.port !== null) {
    const metricsHandler = httpRouteFallback([scrapes(OPEN_SCRAPES)]);
    try {
      metricsServer = await listen(metricsHandler, { host: options.host, port: metrics.port });
    } catch (error) {
      await server.close(0);
      throw error;
    }
  }
  // Probing starts once the ports are ours: a start that fails to listen leaves no probe
  // running against a database its caller is about to close.
  health.start();
  return {
    server,
    health,
    metricsServer,
    async close(graceMs) {
      health.stop();
      await Promise.all([server.close(graceMs), metricsServer?.close(graceMs)]);
    },
  };

  function scrapes(authorize: ScrapeAuthorizer) {
    return metricsRoute(metrics.registry, authorize, (err) =>
      logger.warn({ err }, "could not answer a metrics scrape"),
    );
  }
}
