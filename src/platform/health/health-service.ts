import { Code, ConnectError, type ConnectRouter, type HandlerContext } from "@connectrpc/connect";
import {
  Health,
  type HealthCheckRequest,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../../../gen/grpc/health/v1/health_pb.js";
import { quoted } from "../errors/quoted.js";

/** The status of one service as the health protocol sees it. */
export type HealthStatus = "SERVING" | "NOT_SERVING" | "UNKNOWN_SERVICE";

/**
 * Where health answers come from. The RPC layer only reads it, so whatever
 * decides health (a database probe, a drain at shutdown) stays testable and
 * free of gRPC.
 */
export interface HealthStatusSource {
  /** Must be cheap: load balancers call Check often. `""` is the whole server. */
  current(service: string): HealthStatus;
  /** Called after any status may have changed. Returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** The names `current` knows; without it, List answers UNIMPLEMENTED. */
  services?(): Iterable<string>;
}

/**
 * Serves `grpc.health.v1.Health` so Kubernetes probes, load balancers and
 * grpc-health-probe can tell whether this process should get traffic.
 */
export function registerHealth(router: ConnectRouter, status: HealthStatusSource): void {
  router.service(Health, {
    check(request) {
      const current = status.current(request.service);
      if (current === "UNKNOWN_SERVICE") {
        // The health protocol asks for NOT_FOUND, not a SERVICE_UNKNOWN status.
        throw new ConnectError(`unknown service ${quoted(request.service)}`, Code.NotFound);
      }
      return { status: toServingStatus(current) };
    },
    list() {
      if (status.services === undefined) {
        throw new ConnectError("this server does not list its services", Code.Unimplemented);
      }
      const statuses: Record<string, { status: ServingStatus }> = {};
      for (const service of status.services()) {
        statuses[service] = { status: toServingStatus(status.current(service)) };
      }
      return { statuses };
    },
    watch: (request, context) => watch(status, request, context),
  });
}

/**
 * Sends the status now and on every change until the client goes away. An
 * unknown service is reported as SERVICE_UNKNOWN rather than an error, as the
 * protocol says, because it may become known later.
 */
async function* watch(
  status: HealthStatusSource,
  request: HealthCheckRequest,
  context: HandlerContext,
): AsyncGenerator<{ status: ServingStatus }> {
  let wake: (() => void) | undefined;
  let changed = false;
  const unsubscribe = status.onChange(() => {
    changed = true;
    wake?.();
  });
  const onAbort = (): void => wake?.();
  context.signal.addEventListener("abort", onAbort);
  try {
    let sent: ServingStatus | undefined;
    while (!context.signal.aborted) {
      const now = toServingStatus(status.current(request.service));
      if (now !== sent) {
        sent = now;
        yield { status: now };
      }
      if (!changed && !context.signal.aborted) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      wake = undefined;
      changed = false;
    }
  } finally {
    unsubscribe();
    context.signal.removeEventListener("abort", onAbort);
  }
}

function toServingStatus(status: HealthStatus): ServingStatus {
  switch (status) {
    case "SERVING":
      return ServingStatus.SERVING;
    case "NOT_SERVING":
      return ServingStatus.NOT_SERVING;
    case "UNKNOWN_SERVICE":
      return ServingStatus.SERVICE_UNKNOWN;
  }
}
