import { PagerService, SendAlertOutcome } from "../../gen/pager/v1/pager_service_pb.js";
import { type Context, clientFor, forEachConcurrent, range, wantsProfile } from "./load-context.js";
import { type PhaseRun, rowOf } from "./phase-result.js";
import { emptyUsage } from "./resource-meter.js";
import { settle } from "./settle-outbox.js";

/**
 * AcknowledgeAlert, each call on a different TRIGGERED alert (the first
 * acknowledgement is the real work; a repeat would measure a no-op). Runs in
 * rounds: an untimed {@link triggerPool}, then a timed window that stops when
 * the alerts run out or the phase's time is used up.
 */
export const ackPhase: PhaseRun = async (ctx, services, concurrency) => {
  const usage = emptyUsage();
  const latencies: number[] = [];
  const pool = services.slice(0, ctx.settings.ackPool);
  const budgetMs = ctx.seconds * 1000;
  let rounds = 0;
  while (usage.wallMs < budgetMs) {
    const alertIds = await triggerPool(ctx, pool);
    if (alertIds.length === 0) throw new Error("ack setup produced no triggered alert");
    rounds += 1;
    let next = 0;
    await ctx.meter.measure(usage, wantsProfile(ctx, "ack", concurrency), async () => {
      const deadline = performance.now() + budgetMs - usage.wallMs;
      await Promise.all(
        range(concurrency).map(async (worker) => {
          const client = clientFor(ctx, worker);
          while (performance.now() < deadline) {
            const alertId = alertIds[next++];
            if (alertId === undefined) return;
            const started = performance.now();
            try {
              await client.call(PagerService.method.acknowledgeAlert, {
                alertId,
                acknowledgedBy: "bench",
              });
              latencies.push(performance.now() - started);
            } catch (error) {
              ctx.errors.add("AcknowledgeAlert", error);
            }
          }
        }),
      );
    });
  }
  await resolvePool(ctx, pool);
  return {
    name: "ack",
    concurrency,
    rows: [rowOf("AcknowledgeAlert", concurrency, latencies, usage)],
    usage,
    unit: `call (${rounds} round${rounds === 1 ? "" : "s"})`,
    units: latencies.length,
  };
};

/**
 * Untimed: makes every pool service have a fresh TRIGGERED alert (resolving
 * whatever the previous round left acknowledged) and waits for the pages to
 * be delivered. Returns the alert ids, each to be acknowledged exactly once.
 */
async function triggerPool(ctx: Context, pool: readonly string[]): Promise<string[]> {
  const alertIds: string[] = [];
  await forEachConcurrent(ctx, pool, ctx.settings.setupConcurrency, async (serviceId, client) => {
    try {
      await client.call(PagerService.method.resolveAlert, {
        subject: { case: "monitoredServiceId", value: serviceId },
      });
      const { alert, outcome } = await client.call(PagerService.method.sendAlert, {
        monitoredServiceId: serviceId,
        message: "bench: alert to acknowledge",
      });
      if (outcome !== SendAlertOutcome.CREATED || alert === undefined) {
        ctx.errors.add("SendAlert (ack setup)", `outcome ${SendAlertOutcome[outcome]}`);
        return;
      }
      alertIds.push(alert.id);
    } catch (error) {
      ctx.errors.add("ack setup", error);
    }
  });
  ctx.meter.checkAlive();
  await settle(ctx);
  return alertIds;
}

/** Leaves every service healthy for the next phase, so its SendAlert finds no open alert. */
async function resolvePool(ctx: Context, pool: readonly string[]): Promise<void> {
  await forEachConcurrent(ctx, pool, ctx.settings.setupConcurrency, async (serviceId, client) => {
    try {
      await client.call(PagerService.method.resolveAlert, {
        subject: { case: "monitoredServiceId", value: serviceId },
      });
    } catch (error) {
      ctx.errors.add("ResolveAlert (ack cleanup)", error);
    }
  });
  await settle(ctx);
}
