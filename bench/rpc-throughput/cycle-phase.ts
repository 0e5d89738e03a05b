import { PagerService, SendAlertOutcome } from "../../gen/pager/v1/pager_service_pb.js";
import { clientFor, range, wantsProfile } from "./load-context.js";
import { type PhaseRun, rowOf } from "./phase-result.js";
import { emptyUsage } from "./resource-meter.js";
import { settle } from "./settle-outbox.js";

/**
 * SendAlert then ResolveAlert{monitored_service_id}, over and over. Worker w
 * owns services w, w+c, w+2c… so no two workers ever contend for a service
 * lock and every SendAlert finds a healthy service (expects CREATED).
 */
export const cyclePhase: PhaseRun = async (ctx, services, concurrency) => {
  const usage = emptyUsage();
  const send: number[] = [];
  const resolve: number[] = [];
  const cycle: number[] = [];
  const pool = services.slice(0, ctx.settings.services);
  await ctx.meter.measure(usage, wantsProfile(ctx, "cycle", concurrency), async () => {
    const deadline = performance.now() + ctx.seconds * 1000;
    await Promise.all(
      range(concurrency).map(async (worker) => {
        const client = clientFor(ctx, worker);
        const owned = pool.filter((_, i) => i % concurrency === worker);
        for (let k = 0; performance.now() < deadline; k += 1) {
          const serviceId = owned[k % owned.length] ?? "";
          const started = performance.now();
          try {
            const { outcome } = await client.call(PagerService.method.sendAlert, {
              monitoredServiceId: serviceId,
              message: "bench: synthetic alert",
            });
            if (outcome !== SendAlertOutcome.CREATED) {
              ctx.errors.add("SendAlert", `outcome ${SendAlertOutcome[outcome]}, expected CREATED`);
            }
            const sent = performance.now();
            send.push(sent - started);
            await client.call(PagerService.method.resolveAlert, {
              subject: { case: "monitoredServiceId", value: serviceId },
            });
            const resolved = performance.now();
            resolve.push(resolved - sent);
            cycle.push(resolved - started);
          } catch (error) {
            ctx.errors.add("SendAlert/ResolveAlert", error);
          }
        }
      }),
    );
  });
  await settle(ctx);
  return {
    name: "cycle",
    concurrency,
    rows: [
      rowOf("SendAlert", concurrency, send, usage),
      rowOf("ResolveAlert", concurrency, resolve, usage),
      rowOf("  cycle (Send+Resolve)", concurrency, cycle, usage),
    ],
    usage,
    unit: "cycle",
    units: cycle.length,
  };
};
