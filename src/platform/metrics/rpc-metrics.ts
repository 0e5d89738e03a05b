import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import { Counter, Histogram, type Registry } from "prom-client";
import { reportCallEnd } from "../server/stream-end.js";

/** From 1 ms to 10 s: an RPC is a few ms, a slow one waits on a lock or the pool. */
const RPC_SECONDS_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * Counts every RPC by service, method and final gRPC code
 * (`grpc_server_handled_total`) and times it (`grpc_server_handling_seconds`),
 * under the names most gRPC exporters use, so existing dashboards and rules
 * fit. It runs outside the error mapping: the code counted is the one the
 * client received. Streams are counted when they end.
 */
export function rpcMetricsInterceptor(registry: Registry): Interceptor {
  const labelNames = ["grpc_service", "grpc_method", "grpc_code"] as const;
  const handled = new Counter({
    name: "grpc_server_handled_total",
    help: "RPCs completed on the server, by service, method and gRPC status code.",
    labelNames,
    registers: [registry],
  });
  const seconds = new Histogram({
    name: "grpc_server_handling_seconds",
    help: "Time from the start of an RPC to its end, by service, method and gRPC status code.",
    labelNames,
    buckets: RPC_SECONDS_BUCKETS,
    registers: [registry],
  });
  return (next) => async (request) => {
    const started = performance.now();
    const done = (error?: unknown): void => {
      const labels = {
        grpc_service: request.service.typeName,
        grpc_method: request.method.name,
        grpc_code: error === undefined ? "OK" : grpcCodeName(ConnectError.from(error).code),
      };
      handled.inc(labels);
      seconds.observe(labels, (performance.now() - started) / 1000);
    };
    return reportCallEnd(next, request, done);
  };
}

/** Connect's enum names (`DeadlineExceeded`) as gRPC writes them (`DEADLINE_EXCEEDED`). */
function grpcCodeName(code: Code): string {
  return code === Code.Canceled ? "CANCELLED" : codeToString(code).toUpperCase();
}
