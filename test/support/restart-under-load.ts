import { setTimeout as delay } from "node:timers/promises";
import * as grpc from "@grpc/grpc-js";
import { HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { GrpcTestClient } from "./grpc-client.js";
import { grpcCheck } from "./grpc-health-client.js";
import type { RestartableDatabase } from "./restartable-database.js";
import { TEST_KEYS } from "./test-keys.js";

const { method } = PagerService;

/** One RPC of the load, as its client saw it; times in ms from the start of the run. */
export interface Outcome {
  readonly startMs: number;
  readonly endMs: number;
  /** grpc.status of the answer; OK when it succeeded. */
  readonly code: grpc.status;
  readonly details: string;
}

/** Health as a load balancer polling it every 50 ms saw it. */
export interface HealthSample {
  readonly atMs: number;
  readonly serving: boolean;
}

/** What the clients and a health poller saw around a database restart. */
export interface RestartRun {
  readonly outcomes: readonly Outcome[];
  readonly health: readonly HealthSample[];
  /** When the database was told to stop. */
  readonly downAtMs: number;
  /** When the restarted database accepted connections. */
  readonly upAtMs: number;
}

/** How long each phase lasts. */
export interface RestartTimes {
  readonly beforeMs: number;
  readonly downMs: number;
  readonly afterMs: number;
}

/**
 * Restarts `database` under load: one client per service sends an alert and
 * resolves it, without pause, while a poller checks health; the database
 * runs `beforeMs`, is stopped for `downMs`, restarted, and the load goes on
 * `afterMs`. The end-to-end test asserts on what this returns, and
 * bench/database-restart.ts prints it.
 */
export async function restartUnderLoad(
  address: string,
  database: RestartableDatabase,
  serviceIds: readonly string[],
  times: RestartTimes,
): Promise<RestartRun> {
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const outcomes: Outcome[] = [];
  const health: HealthSample[] = [];
  let running = true;

  const healthClient = new grpc.Client(address, grpc.credentials.createInsecure());
  const watchHealth = (async () => {
    while (running) {
      const atMs = now();
      const serving = await grpcCheck(healthClient, "").then(
        (r) => r.status === HealthCheckResponse_ServingStatus.SERVING,
        () => false,
      );
      health.push({ atMs, serving });
      await delay(50);
    }
  })();

  const clients = serviceIds.map(() => new GrpcTestClient(address, TEST_KEYS.admin));
  const timed = async (call: () => Promise<unknown>) => {
    const startMs = now();
    let code = grpc.status.OK;
    let details = "";
    try {
      await call();
    } catch (error) {
      ({ code, details } = error as grpc.ServiceError);
    }
    outcomes.push({ startMs, endMs: now(), code, details });
  };
  const load = serviceIds.map(async (monitoredServiceId, i) => {
    const client = clients[i] as GrpcTestClient;
    while (running) {
      await timed(() => client.call(method.sendAlert, { monitoredServiceId, message: "load" }));
      await timed(() =>
        client.call(method.resolveAlert, {
          subject: { case: "monitoredServiceId", value: monitoredServiceId },
        }),
      );
    }
  });

  try {
    await delay(times.beforeMs);
    const downAtMs = now();
    await database.stop();
    await delay(times.downMs);
    await database.restart();
    const upAtMs = now();
    await delay(times.afterMs);
    return { outcomes, health, downAtMs, upAtMs };
  } finally {
    running = false;
    await Promise.all([...load, watchHealth]);
    for (const client of clients) client.close();
    healthClient.close();
  }
}

/** The figures of a run: what failed, and how long healing took. */
export interface RestartFigures {
  readonly calls: number;
  readonly failures: number;
  /** Failed calls by gRPC code name. */
  readonly codes: Readonly<Record<string, number>>;
  /** The last failed call, if any. */
  readonly lastFailure: Outcome | undefined;
  /** From the database accepting connections to the end of the last failed call. */
  readonly lastFailureAfterUpMs: number;
  /** From the stop to the first NOT_SERVING sample. */
  readonly notServingAfterDownMs: number | null;
  /** From the database accepting connections to the first SERVING sample after. */
  readonly servingAfterUpMs: number | null;
  /** Calls that started after the last failure ended. */
  readonly healedCalls: number;
}

export function restartFigures(run: RestartRun): RestartFigures {
  const failed = run.outcomes.filter((o) => o.code !== grpc.status.OK);
  const codes: Record<string, number> = {};
  for (const o of failed) {
    const name = grpc.status[o.code] ?? String(o.code);
    codes[name] = (codes[name] ?? 0) + 1;
  }
  const lastFailure = failed.reduce<Outcome | undefined>(
    (a, b) => (a === undefined || b.endMs > a.endMs ? b : a),
    undefined,
  );
  const lastEnd = lastFailure?.endMs ?? run.upAtMs;
  const notServing = run.health.find((s) => s.atMs > run.downAtMs && !s.serving);
  const serving = run.health.find((s) => s.atMs > run.upAtMs && s.serving);
  return {
    calls: run.outcomes.length,
    failures: failed.length,
    codes,
    lastFailure,
    lastFailureAfterUpMs: lastEnd - run.upAtMs,
    notServingAfterDownMs: notServing === undefined ? null : notServing.atMs - run.downAtMs,
    servingAfterUpMs: serving === undefined ? null : serving.atMs - run.upAtMs,
    healedCalls: run.outcomes.filter((o) => o.startMs > lastEnd).length,
  };
}
