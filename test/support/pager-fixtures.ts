import { create } from "@bufbuild/protobuf";
import { type Duration, DurationSchema } from "@bufbuild/protobuf/wkt";
import { AlertState } from "../../gen/pager/v1/alert_pb.js";
import { EscalationPolicyService } from "../../gen/pager/v1/escalation_policy_pb.js";
import { NotificationService, NotificationState } from "../../gen/pager/v1/notification_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import {
  EmailTargetSchema,
  SmsTargetSchema,
  type Target,
  TargetSchema,
  WebhookTargetSchema,
} from "../../gen/pager/v1/target_pb.js";
import type { GrpcTestClient } from "./grpc-client.js";
import type { PagerHarness } from "./pager-harness.js";

let counter = 0;

/** A name no other test of this run uses, so suites can share one database. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${counter}`;
}

/** Whole seconds as a Duration init. */
export function seconds(n: number): Duration {
  return create(DurationSchema, { seconds: BigInt(n) });
}

/** Wire targets, built the way a client in any language would. */
export const target = {
  email: (address: string): Target =>
    create(TargetSchema, {
      kind: { case: "email", value: create(EmailTargetSchema, { address }) },
    }),
  sms: (phoneNumber: string): Target =>
    create(TargetSchema, {
      kind: { case: "sms", value: create(SmsTargetSchema, { phoneNumber }) },
    }),
  webhook: (url: string): Target =>
    create(TargetSchema, {
      kind: { case: "webhook", value: create(WebhookTargetSchema, { url }) },
    }),
};

/**
 * A two-level policy: level 0 pages one email, level 1 an SMS and a webhook.
 * Each test gets its own addresses so assertions count only its pages.
 */
export async function createTwoLevelPolicy(client: GrpcTestClient, ackSeconds = [60, 120]) {
  const tag = uniqueName("p");
  const { escalationPolicy } = await client.call(
    EscalationPolicyService.method.createEscalationPolicy,
    {
      name: tag,
      levels: [
        {
          targets: [target.email(`${tag}@example.com`)],
          ackTimeout: seconds(ackSeconds[0] ?? 60),
        },
        {
          targets: [target.sms("+14155550123"), target.webhook(`http://127.0.0.1:9/${tag}`)],
          ackTimeout: seconds(ackSeconds[1] ?? 120),
        },
      ],
    },
  );
  if (escalationPolicy === undefined) throw new Error("no policy returned");
  return escalationPolicy;
}

/** A healthy service on a fresh two-level policy. */
export async function createServiceWithPolicy(client: GrpcTestClient, ackSeconds?: number[]) {
  return createServiceOn(client, await createTwoLevelPolicy(client, ackSeconds));
}

/** A healthy service on a fresh policy whose levels page these targets (one list per level). */
export async function createServiceWithTargets(client: GrpcTestClient, levels: Target[][]) {
  const { escalationPolicy } = await client.call(
    EscalationPolicyService.method.createEscalationPolicy,
    {
      name: uniqueName("p"),
      levels: levels.map((targets) => ({ targets, ackTimeout: seconds(60) })),
    },
  );
  if (escalationPolicy === undefined) throw new Error("no policy returned");
  return createServiceOn(client, escalationPolicy);
}

/** A phone number no other test of this run pages. */
export function uniquePhoneNumber(): string {
  counter += 1;
  return `+1555${String((process.pid * 1000 + counter) % 10_000_000).padStart(7, "0")}`;
}

async function createServiceOn<P extends { id: string }>(client: GrpcTestClient, policy: P) {
  const { monitoredService } = await client.call(PagerService.method.createMonitoredService, {
    name: uniqueName("svc"),
    escalationPolicyId: policy.id,
  });
  if (monitoredService === undefined) throw new Error("no service returned");
  return { policy, service: monitoredService };
}

/** Every notification of an alert, in creation order, through the public API. */
export async function notificationsOf(client: GrpcTestClient, alertId: string) {
  const { notifications } = await client.call(NotificationService.method.listNotifications, {
    alertId,
    pageSize: 1000,
  });
  return notifications;
}

/** (level, channel) pairs, sorted: what a page count assertion compares. */
export function pageSummary(
  notifications: { level: number; target?: { kind: { case?: string } } }[],
) {
  return notifications.map((n) => `${n.level}:${n.target?.kind.case}`).sort();
}

/** The acknowledgement timers armed for an alert, as rows. */
export async function timersOf(h: PagerHarness, alertId: string) {
  const { rows } = await h.db.query<{ level: number; fire_time: Date }>(
    "SELECT level, fire_time FROM ack_timers WHERE alert_id = $1 ORDER BY level",
    [alertId],
  );
  return rows;
}

export { AlertState, NotificationState };
