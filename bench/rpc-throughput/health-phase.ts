import { Health, HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { clientFor, range, wantsProfile } from "./load-context.js";
import { type PhaseRun, rowOf } from "./phase-result.js";
import { emptyUsage } from "./resource-meter.js";

/**
 * Health/Check as fast as each worker can: the cheapest call, so its rate is
 * the floor set by HTTP/2 + Connect + our interceptors that every other RPC
 * is compared with.
 */
export const healthPhase: PhaseRun = async (ctx, _services, concurrency) => {
  const usage = emptyUsage();
  const latencies: number[] = [];
  await ctx.meter.measure(usage, wantsProfile(ctx, "health", concurrency), async () => {
    const deadline = performance.now() + ctx.seconds * 1000;
    await Promise.all(
      range(concurrency).map(async (worker) => {
        const client = clientFor(ctx, worker);
        while (performance.now() < deadline) {
          const started = performance.now();
          try {
            const { status } = await client.call(Health.method.check, { service: "" });
            if (status === HealthCheckResponse_ServingStatus.SERVING) {
              latencies.push(performance.now() - started);
            } else {
              ctx.errors.add("Health/Check", `status ${HealthCheckResponse_ServingStatus[status]}`);
            }
          } catch (error) {
            ctx.errors.add("Health/Check", error);
          }
        }
      }),
    );
  });
  const row = rowOf("Health/Check", concurrency, latencies, usage);
  return { name: "health", concurrency, rows: [row], usage, unit: "call", units: latencies.length };
};
