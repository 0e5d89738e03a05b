import { create } from "@bufbuild/protobuf";
import { FieldMaskSchema } from "@bufbuild/protobuf/wkt";
import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import {
  EscalationLevelSchema,
  EscalationPolicySchema,
  EscalationPolicyService,
} from "../../gen/pager/v1/escalation_policy_pb.js";
import { MonitoredServiceSchema } from "../../gen/pager/v1/monitored_service_pb.js";
import { NotificationService } from "../../gen/pager/v1/notification_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { TargetSchema } from "../../gen/pager/v1/target_pb.js";
import {
  createServiceWithPolicy,
  createTwoLevelPolicy,
  notificationsOf,
  pageSummary,
  seconds,
  target,
  uniqueName,
} from "../support/pager-fixtures.js";
import { type PagerHarness, startPagerHarness } from "../support/pager-harness.js";

const pager = PagerService.method;
const policies = EscalationPolicyService.method;
const UNKNOWN = "0190a5f1-0000-7000-8000-000000000000";

const level = (targets = [target.email("a@example.com")], ack?: number) =>
  create(EscalationLevelSchema, {
    targets,
    ackTimeout: ack === undefined ? undefined : seconds(ack),
  });

describe("bad input gets a precise status naming the field, and writes nothing", () => {
  let h: PagerHarness;
  before(async () => {
    h = await startPagerHarness({ PAGER_TIMER_WORKER: "off" });
  });
  after(async () => {
    await h?.stop();
  });

  async function countRows(): Promise<string> {
    const { rows } = await h.db.query(
      `SELECT (SELECT count(*) FROM escalation_policies) || '/' ||
              (SELECT count(*) FROM monitored_services) || '/' ||
              (SELECT count(*) FROM alerts) || '/' || (SELECT count(*) FROM notifications) AS n`,
    );
    return rows[0].n;
  }

  describe("unknown and malformed ids", () => {
    const cases = [
      {
        name: "GetAlert",
        run: (id: string) => h.client.fail(pager.getAlert, { alertId: id }),
        field: "alert_id",
      },
      {
        name: "SendAlert",
        run: (id: string) =>
          h.client.fail(pager.sendAlert, { monitoredServiceId: id, message: "x" }),
        field: "monitored_service_id",
      },
      {
        name: "AcknowledgeAlert",
        run: (id: string) =>
          h.client.fail(pager.acknowledgeAlert, { alertId: id, acknowledgedBy: "a" }),
        field: "alert_id",
      },
      {
        name: "HandleAcknowledgementTimeout",
        run: (id: string) =>
          h.client.fail(pager.handleAcknowledgementTimeout, { alertId: id, level: 0 }),
        field: "alert_id",
      },
      {
        name: "ResolveAlert",
        run: (id: string) =>
          h.client.fail(pager.resolveAlert, { subject: { case: "monitoredServiceId", value: id } }),
        field: "monitored_service_id",
      },
      {
        name: "GetMonitoredService",
        run: (id: string) => h.client.fail(pager.getMonitoredService, { monitoredServiceId: id }),
        field: "monitored_service_id",
      },
      {
        name: "DeleteMonitoredService",
        run: (id: string) =>
          h.client.fail(pager.deleteMonitoredService, { monitoredServiceId: id }),
        field: "monitored_service_id",
      },
      {
        name: "GetEscalationPolicy",
        run: (id: string) =>
          h.client.fail(policies.getEscalationPolicy, { escalationPolicyId: id }),
        field: "escalation_policy_id",
      },
      {
        name: "DeleteEscalationPolicy",
        run: (id: string) =>
          h.client.fail(policies.deleteEscalationPolicy, { escalationPolicyId: id }),
        field: "escalation_policy_id",
      },
      {
        name: "GetNotification",
        run: (id: string) =>
          h.client.fail(NotificationService.method.getNotification, { notificationId: id }),
        field: "notification_id",
      },
      {
        name: "ListNotifications",
        run: (id: string) =>
          h.client.fail(NotificationService.method.listNotifications, { alertId: id }),
        field: "alert_id",
      },
    ];
    for (const c of cases) {
      it(`${c.name}: unknown id → NOT_FOUND, malformed → INVALID_ARGUMENT, both naming ${c.field}`, async () => {
        const missing = await c.run(UNKNOWN);
        expect(missing.code).to.equal(status.NOT_FOUND);
        expect(missing.details).to.contain(c.field).and.contain(UNKNOWN);
        const malformed = await c.run("not-an-id");
        expect(malformed.code).to.equal(status.INVALID_ARGUMENT);
        expect(malformed.details).to.contain(c.field).and.contain("not-an-id");
      });
    }
  });

  describe("invalid policies", () => {
    const cases = [
      { why: "no name", name: " ", levels: [level()], field: "name:" },
      { why: "no levels", levels: [], field: "levels:" },
      { why: "a level without targets", levels: [level([])], field: "levels[0].targets:" },
      {
        why: "a target with no channel",
        levels: [level([create(TargetSchema)])],
        field: "levels[0].targets[0]:",
      },
      {
        why: "a bad email",
        levels: [level([target.email("nobody")])],
        field: "levels[0].targets[0].email.address",
      },
      {
        why: "a bad phone number",
        levels: [level(), level([target.email("b@example.com"), target.sms("0612345678")])],
        field: "levels[1].targets[1].sms.phone_number",
      },
      {
        why: "a non-http webhook",
        levels: [level([target.webhook("ftp://x.io/")])],
        field: "levels[0].targets[0].webhook.url",
      },
      {
        why: "a duplicate target",
        levels: [level([target.email("a@example.com"), target.email("A@example.com")])],
        field: "levels[0].targets[1]",
      },
      {
        why: "an ack_timeout under 1 s",
        levels: [level(undefined, 0)],
        field: "levels[0].ack_timeout",
      },
      {
        why: "an ack_timeout over 24 h",
        levels: [level(undefined, 24 * 3600 + 1)],
        field: "levels[0].ack_timeout",
      },
    ];
    for (const c of cases) {
      it(`${c.why} → INVALID_ARGUMENT naming ${c.field}`, async () => {
        const before = await countRows();
        const failure = await h.client.fail(policies.createEscalationPolicy, {
          name: c.name ?? uniqueName("bad"),
          levels: c.levels,
        });
        expect(failure.code).to.equal(status.INVALID_ARGUMENT);
        expect(failure.details).to.contain(c.field);
        expect(await countRows()).to.equal(before);
      });
    }

    it("accepts the bounds, and an unset ack_timeout reads back as 15 minutes", async () => {
      const { escalationPolicy } = await h.client.call(policies.createEscalationPolicy, {
        name: uniqueName("bounds"),
        levels: [level(undefined, 1), level([target.email("b@example.com")], 24 * 3600), level()],
      });
      expect(escalationPolicy?.levels.map((l) => Number(l.ackTimeout?.seconds))).to.deep.equal([
        1, 86_400, 900,
      ]);
      const { escalationPolicy: read } = await h.client.call(policies.getEscalationPolicy, {
        escalationPolicyId: escalationPolicy?.id ?? "",
      });
      expect(read?.levels[2]?.ackTimeout?.seconds).to.equal(900n);
    });
  });

  describe("hostile text: refused at the door, never INTERNAL", () => {
    it("a 1 MB monitored_service_id → INVALID_ARGUMENT quoting a short prefix", async () => {
      const huge = "x".repeat(1_000_000);
      const failure = await h.client.fail(pager.sendAlert, {
        monitoredServiceId: huge,
        message: "x",
      });
      expect(failure.code).to.equal(status.INVALID_ARGUMENT);
      expect(failure.details).to.match(/^monitored_service_id: "x{64}…" \(1000000 characters\)/);
      expect(failure.details.length).to.be.below(200);
    });

    it("NUL in a service name, a policy name or an alert message → INVALID_ARGUMENT naming it", async () => {
      const before = await countRows();
      const policyName = await h.client.fail(policies.createEscalationPolicy, {
        name: "on\u0000call",
        levels: [level()],
      });
      const { service } = await createServiceWithPolicy(h.client);
      const afterService = await countRows();
      const serviceName = await h.client.fail(pager.createMonitoredService, {
        name: "web\u0000",
        escalationPolicyId: service.escalationPolicyId,
      });
      const message = await h.client.fail(pager.sendAlert, {
        monitoredServiceId: service.id,
        message: "disk\u0000full",
      });
      for (const [failure, field] of [
        [policyName, "name"],
        [serviceName, "name"],
        [message, "message"],
      ] as const) {
        expect(failure.code, field).to.equal(status.INVALID_ARGUMENT);
        expect(failure.details).to.match(
          new RegExp(`^${field}: must not contain control characters`),
        );
      }
      expect(before).to.not.equal(afterService);
      expect(await countRows()).to.equal(afterService);
    });

    it("a webhook URL of 2,000 CJK characters is refused when written, naming the field", async () => {
      const before = await countRows();
      const failure = await h.client.fail(policies.createEscalationPolicy, {
        name: uniqueName("cjk"),
        levels: [
          level([
            target.email("a@example.com"),
            target.webhook(`https://hooks.example.com/${"鉤".repeat(2000)}`),
          ]),
        ],
      });
      expect(failure.code).to.equal(status.INVALID_ARGUMENT);
      expect(failure.details).to.equal(
        "levels[0].targets[1].webhook.url: must be at most 2048 bytes in UTF-8",
      );
      expect(await countRows()).to.equal(before);
    });

    it("a policy whose levels take over 64 KiB → INVALID_ARGUMENT naming levels", async () => {
      const hooks = (n: number) =>
        Array.from({ length: 40 }, (_, i) =>
          target.webhook(`https://hooks.example.com/${n}/${i}/${"a".repeat(1900)}`),
        );
      const failure = await h.client.fail(policies.createEscalationPolicy, {
        name: uniqueName("big"),
        levels: [level(hooks(0)), level(hooks(1))],
      });
      expect(failure.code).to.equal(status.INVALID_ARGUMENT);
      expect(failure.details).to.match(/^levels: take \d+ bytes as stored; at most 65536/);
    });
  });

  describe("invalid transitions → FAILED_PRECONDITION, state unchanged", () => {
    it("acknowledging a resolved alert", async () => {
      const { service } = await createServiceWithPolicy(h.client);
      const { alert } = await h.client.call(pager.sendAlert, {
        monitoredServiceId: service.id,
        message: "x",
      });
      await h.client.call(pager.resolveAlert, {
        subject: { case: "alertId", value: alert?.id ?? "" },
      });
      const failure = await h.client.fail(pager.acknowledgeAlert, {
        alertId: alert?.id ?? "",
        acknowledgedBy: "ana",
      });
      expect(failure.code).to.equal(status.FAILED_PRECONDITION);
      expect(failure.details).to.contain("resolved");
      const { alert: after } = await h.client.call(pager.getAlert, { alertId: alert?.id ?? "" });
      expect(after?.acknowledgedBy).to.equal("");
    });

    it("deleting an unhealthy service, and a policy a service uses", async () => {
      const { service, policy } = await createServiceWithPolicy(h.client);
      await h.client.call(pager.sendAlert, { monitoredServiceId: service.id, message: "x" });
      const busy = await h.client.fail(pager.deleteMonitoredService, {
        monitoredServiceId: service.id,
      });
      expect(busy.code).to.equal(status.FAILED_PRECONDITION);
      const used = await h.client.fail(policies.deleteEscalationPolicy, {
        escalationPolicyId: policy.id,
      });
      expect(used.code).to.equal(status.FAILED_PRECONDITION);
      expect(used.details).to.contain("used by a monitored service");
      await h.client.call(pager.resolveAlert, {
        subject: { case: "monitoredServiceId", value: service.id },
      });
      await h.client.call(pager.deleteMonitoredService, { monitoredServiceId: service.id });
      await h.client.call(policies.deleteEscalationPolicy, { escalationPolicyId: policy.id });
      const gone = await h.client.fail(policies.getEscalationPolicy, {
        escalationPolicyId: policy.id,
      });
      expect(gone.code).to.equal(status.NOT_FOUND);
    });
  });

  describe("other mistakes", () => {
    it("a taken service name → ALREADY_EXISTS; an unknown policy → NOT_FOUND", async () => {
      const { service, policy } = await createServiceWithPolicy(h.client);
      const taken = await h.client.fail(pager.createMonitoredService, {
        name: service.name,
        escalationPolicyId: policy.id,
      });
      expect(taken.code).to.equal(status.ALREADY_EXISTS);
      expect(taken.details).to.contain("name");
      const unknown = await h.client.fail(pager.createMonitoredService, {
        name: uniqueName("s"),
        escalationPolicyId: UNKNOWN,
      });
      expect(unknown.code).to.equal(status.NOT_FOUND);
      expect(unknown.details).to.contain("escalation_policy_id");
    });

    it("missing or wrong fields: message, acknowledged_by too long, resolve subject, negative level, bad paging", async () => {
      const { service } = await createServiceWithPolicy(h.client);
      const cases = [
        [
          await h.client.fail(pager.sendAlert, { monitoredServiceId: service.id, message: "" }),
          "message",
        ],
        [
          await h.client.fail(pager.acknowledgeAlert, {
            alertId: UNKNOWN,
            acknowledgedBy: "x".repeat(1025),
          }),
          "acknowledged_by",
        ],
        [await h.client.fail(pager.resolveAlert, {}), "subject"],
        [
          await h.client.fail(pager.handleAcknowledgementTimeout, { alertId: UNKNOWN, level: -1 }),
          "level",
        ],
        [await h.client.fail(pager.listAlerts, { pageToken: "garbage" }), "page_token"],
        [await h.client.fail(pager.listAlerts, { pageSize: -5 }), "page_size"],
      ] as const;
      for (const [failure, field] of cases) {
        expect(failure.code, field).to.equal(status.INVALID_ARGUMENT);
        expect(failure.details).to.contain(field);
      }
    });

    it("update masks: unknown path → INVALID_ARGUMENT; listed fields change, others stay", async () => {
      const { service, policy } = await createServiceWithPolicy(h.client);
      const bad = await h.client.fail(pager.updateMonitoredService, {
        monitoredService: create(MonitoredServiceSchema, { id: service.id, name: "x" }),
        updateMask: create(FieldMaskSchema, { paths: ["health"] }),
      });
      expect(bad.code).to.equal(status.INVALID_ARGUMENT);
      expect(bad.details).to.contain("update_mask").and.contain("health");
      const renamed = uniqueName("renamed");
      const { monitoredService } = await h.client.call(pager.updateMonitoredService, {
        monitoredService: create(MonitoredServiceSchema, { id: service.id, name: renamed }),
        updateMask: create(FieldMaskSchema, { paths: ["name"] }),
      });
      expect(monitoredService).to.include({ name: renamed, escalationPolicyId: policy.id });
      const emptyMask = await h.client.fail(pager.updateMonitoredService, {
        monitoredService: create(MonitoredServiceSchema, { id: service.id, name: "y" }),
      });
      expect(emptyMask.code).to.equal(status.INVALID_ARGUMENT);
      expect(emptyMask.details).to.contain("monitored_service.escalation_policy_id");
    });
  });

  it("editing a policy never changes a live escalation: the alert keeps its levels", async () => {
    const { service, policy } = await createServiceWithPolicy(h.client);
    const { alert } = await h.client.call(pager.sendAlert, {
      monitoredServiceId: service.id,
      message: "x",
    });
    await h.client.call(policies.updateEscalationPolicy, {
      escalationPolicy: create(EscalationPolicySchema, {
        id: policy.id,
        levels: [level([target.email("only@example.com")])],
      }),
      updateMask: create(FieldMaskSchema, { paths: ["levels"] }),
    });
    h.clock.advance(60_000);
    const escalated = await h.client.call(pager.handleAcknowledgementTimeout, {
      alertId: alert?.id ?? "",
      level: 0,
    });
    expect(escalated.alert?.currentLevel).to.equal(1);
    expect(pageSummary(await notificationsOf(h.client, alert?.id ?? ""))).to.deep.equal([
      "0:email",
      "1:sms",
      "1:webhook",
    ]);
    const other = await createTwoLevelPolicy(h.client);
    expect(other.levels).to.have.length(2);
  });
});
