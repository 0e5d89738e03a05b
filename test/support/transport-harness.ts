import type { DescFile } from "@bufbuild/protobuf";
import type { ConnectRouter, Transport } from "@connectrpc/connect";
import {
  connectNodeAdapter,
  createGrpcTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import pino from "pino";
import { file_grpc_health_v1_health } from "../../gen/grpc/health/v1/health_pb.js";
import * as reflectionV1 from "../../gen/grpc/reflection/v1/reflection_pb.js";
import * as reflectionV1alpha from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { file_pager_v1_escalation_policy } from "../../gen/pager/v1/escalation_policy_pb.js";
import { file_pager_v1_notification } from "../../gen/pager/v1/notification_pb.js";
import { file_pager_v1_pager_service } from "../../gen/pager/v1/pager_service_pb.js";
import { HealthMonitor } from "../../src/platform/health/health-monitor.js";
import { registerHealth } from "../../src/platform/health/health-service.js";
import { registerReflection } from "../../src/platform/reflection/reflection-service.js";
import { type ListeningServer, listen } from "../../src/platform/server/listen.js";
import { loggingInterceptor } from "../../src/platform/server/logging-interceptor.js";
import type { LogLine } from "./log-recorder.js";

/** The pager services the health monitor reports on. */
export const PAGER_SERVICES = [
  "pager.v1.PagerService",
  "pager.v1.EscalationPolicyService",
  "pager.v1.NotificationService",
];

/** What reflection serves: the pager contract, health and reflection itself. */
const FILES: DescFile[] = [
  file_pager_v1_pager_service,
  file_pager_v1_escalation_policy,
  file_pager_v1_notification,
  file_grpc_health_v1_health,
  reflectionV1.file_grpc_reflection_v1_reflection,
  reflectionV1alpha.file_grpc_reflection_v1alpha_reflection,
];

/** The transport alone, health and reflection on one port, its clients, and what it logged. */
export interface TransportHarness {
  readonly server: ListeningServer;
  readonly monitor: HealthMonitor;
  /** Every line the logging interceptor wrote, parsed. */
  readonly logs: LogLine[];
  /** `127.0.0.1:<port>`, for a @grpc/grpc-js client. */
  readonly address: string;
  /** `http://127.0.0.1:<port>`, for Connect clients, fetch and buf curl. */
  readonly baseUrl: string;
  /** A @grpc/grpc-js client (HTTP/2 prior knowledge); it connects on its first call. */
  readonly grpcClient: grpc.Client;
  /** A Connect gRPC transport over its own HTTP/2 session; it connects on its first call. */
  readonly connectTransport: Transport;
  /** Makes the health probe pass or fail, and has the monitor check at once. */
  setDatabaseUp(up: boolean): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts `listen` on a free loopback port with health and reflection routes
 * behind the logging interceptor, and a client of each kind for it. The monitor's probe stands for the
 * database; it only moves on checkNow(), so no test waits on a timer.
 */
export async function startTransportHarness(): Promise<TransportHarness> {
  const logs: LogLine[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => logs.push(JSON.parse(line)) });
  let databaseUp = true;
  const monitor = new HealthMonitor({
    probe: async () => {
      if (!databaseUp) throw new Error("database down");
    },
    services: PAGER_SERVICES,
    intervalMs: 60_000, // only checkNow() moves it: no test waits on a timer
  });
  monitor.start();
  await monitor.checkNow();
  const handler = connectNodeAdapter({
    routes: (router: ConnectRouter) => {
      registerHealth(router, monitor);
      registerReflection(router, FILES);
    },
    interceptors: [loggingInterceptor(logger)],
  });
  let server: ListeningServer;
  try {
    server = await listen(handler, { host: "127.0.0.1", port: 0 });
  } catch (error) {
    monitor.stop();
    throw error;
  }
  const address = `127.0.0.1:${server.port}`;
  const baseUrl = `http://${address}`;
  const grpcClient = new grpc.Client(address, grpc.credentials.createInsecure());
  const sessions = new Http2SessionManager(baseUrl);
  return {
    server,
    monitor,
    logs,
    address,
    baseUrl,
    grpcClient,
    connectTransport: createGrpcTransport({ baseUrl, sessionManager: sessions }),
    async setDatabaseUp(up) {
      databaseUp = up;
      await monitor.checkNow();
    },
    async close() {
      grpcClient.close();
      sessions.abort();
      monitor.stop();
      await server.close(1000);
    },
  };
}

/**
 * For a describe block: starts a harness before its tests and closes it after
 * them. The object returned is filled in when that `before` hook has run.
 */
export function useTransportHarness(): TransportHarness {
  const harness = {} as TransportHarness;
  before(async () => {
    Object.assign(harness, await startTransportHarness());
  });
  after(async () => {
    await harness.close?.();
  });
  return harness;
}
