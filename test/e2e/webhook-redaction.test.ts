import { expect } from "chai";
import { ApiKeyRole } from "../../gen/pager/v1/api_key_service_pb.js";
import { EscalationPolicyService } from "../../gen/pager/v1/escalation_policy_pb.js";
import { NotificationService } from "../../gen/pager/v1/notification_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { createKey } from "../support/api-keys.js";
import { GrpcTestClient } from "../support/grpc-client.js";
import { createServiceWithTargets, target, uniqueName } from "../support/pager-fixtures.js";
import { type PagerHarness, startPagerHarness } from "../support/pager-harness.js";

/**
 * Webhook URLs often carry a secret (a chat incoming-webhook path, a token
 * in the query): only admin keys read them whole, everyone else reads
 * where pages go, scheme://host/…, in policies and notifications alike.
 */
describe("webhook URLs are shown whole to admin keys only (real server)", () => {
  let h: PagerHarness;

  before(async () => {
    h = await startPagerHarness({ PAGER_TIMER_WORKER: "off", PAGER_DISPATCHER: "off" });
  });
  after(async () => {
    await h?.stop();
  });

  it("admin sees the URL; responder and viewer see scheme://host/…", async () => {
    const url = `https://hooks.example.com:8443/services/${uniqueName("T")}/XXXX?token=s3cret`;
    const { policy, service } = await createServiceWithTargets(h.client, [
      [target.email("oncall@example.com"), target.webhook(url)],
    ]);
    const { alert } = await h.client.call(PagerService.method.sendAlert, {
      monitoredServiceId: service.id,
      message: "disk full",
    });
    const alertId = alert?.id ?? "";
    const webhooksSeenBy = async (client: GrpcTestClient) => {
      const { escalationPolicy } = await client.call(
        EscalationPolicyService.method.getEscalationPolicy,
        { escalationPolicyId: policy.id },
      );
      const { escalationPolicies } = await client.call(
        EscalationPolicyService.method.listEscalationPolicies,
        { pageSize: 1000 },
      );
      const { notifications } = await client.call(NotificationService.method.listNotifications, {
        alertId,
      });
      const webhookPage = notifications.find((n) => n.target?.kind.case === "webhook");
      const { notification } = await client.call(NotificationService.method.getNotification, {
        notificationId: webhookPage?.id ?? "",
      });
      const urlsOf = (targets: { kind: { case?: string; value?: unknown } }[] = []) =>
        targets.flatMap((t) =>
          t.kind.case === "webhook" ? [(t.kind.value as { url: string }).url] : [],
        );
      return [
        ...urlsOf(escalationPolicy?.levels[0]?.targets),
        ...urlsOf(escalationPolicies.find((p) => p.id === policy.id)?.levels[0]?.targets),
        ...urlsOf(webhookPage?.target === undefined ? [] : [webhookPage.target]),
        ...urlsOf(notification?.target === undefined ? [] : [notification.target]),
      ];
    };
    expect(await webhooksSeenBy(h.client)).to.deep.equal([url, url, url, url]);
    for (const role of [ApiKeyRole.RESPONDER, ApiKeyRole.VIEWER]) {
      const key = await createKey(h.client, role);
      const client = new GrpcTestClient(h.address, key.secret);
      try {
        const seen = await webhooksSeenBy(client);
        expect(seen, ApiKeyRole[role]).to.deep.equal(
          Array(4).fill("https://hooks.example.com:8443/…"),
        );
        expect(JSON.stringify(seen)).to.not.include("s3cret");
      } finally {
        client.close();
      }
    }
  });
});
