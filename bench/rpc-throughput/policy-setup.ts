import { EscalationPolicyService } from "../../gen/pager/v1/escalation_policy_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { type Context, forEachConcurrent, range } from "./load-context.js";

/** Longer than any run, so no ack timer fires and escalations never add load to a phase. */
const ACK_TIMEOUT_SECONDS = 15 * 60;

/**
 * One policy (one level, one email) and its services: enough services for
 * both the cycle pool and the ack pool. Returns the service ids in creation order.
 */
export async function setUpPolicyAndServices(ctx: Context): Promise<string[]> {
  const [client] = ctx.clients;
  if (client === undefined) throw new Error("no channel");
  const { escalationPolicy } = await client.call(
    EscalationPolicyService.method.createEscalationPolicy,
    {
      name: `bench-policy-${Date.now()}`,
      levels: [
        {
          targets: [{ kind: { case: "email", value: { address: "oncall@bench.example.com" } } }],
          ackTimeout: { seconds: BigInt(ACK_TIMEOUT_SECONDS) },
        },
      ],
    },
  );
  if (escalationPolicy === undefined) throw new Error("CreateEscalationPolicy returned no policy");
  const count = Math.max(ctx.settings.services, ctx.settings.ackPool);
  const ids: string[] = new Array(count);
  await forEachConcurrent(ctx, range(count), ctx.settings.setupConcurrency, async (i, c) => {
    const { monitoredService } = await c.call(PagerService.method.createMonitoredService, {
      name: `bench-svc-${String(i).padStart(5, "0")}`,
      escalationPolicyId: escalationPolicy.id,
    });
    if (monitoredService === undefined) throw new Error("CreateMonitoredService returned none");
    ids[i] = monitoredService.id;
  });
  return ids;
}
