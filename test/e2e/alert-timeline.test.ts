import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import {
  ActorKind,
  type AlertEvent,
  IgnoredTimeoutReason,
} from "../../gen/pager/v1/alert_event_pb.js";
import { ApiKeyService } from "../../gen/pager/v1/api_key_service_pb.js";
import { MonitoredServiceHealth } from "../../gen/pager/v1/monitored_service_pb.js";
import { NotificationService } from "../../gen/pager/v1/notification_pb.js";
import { PagerService, SendAlertOutcome } from "../../gen/pager/v1/pager_service_pb.js";
import { type ChannelHarness, startChannelHarness } from "../support/channel-harness.js";
import {
  AlertState,
  createServiceWithPolicy,
  createServiceWithTargets,
  NotificationState,
  notificationsOf,
  target,
  timersOf,
  uniqueName,
  uniquePhoneNumber,
} from "../support/pager-fixtures.js";
import { eventually } from "../support/pager-harness.js";

const { method } = PagerService;

/** One entry as a line: kind, then what identifies it, then who did it. */
function line(event: AlertEvent): string {
  const actor = `${ActorKind[event.actor?.kind ?? 0]}:${event.actor?.name}`;
  const { kind } = event;
  switch (kind.case) {
    case "pageQueued":
      return `pageQueued L${kind.value.level} ${kind.value.target?.kind.case} by ${actor}`;
    case "pageSent":
      return `pageSent L${kind.value.level} ${kind.value.target?.kind.case} #${kind.value.attempt} by ${actor}`;
    case "pageFailed":
      return `pageFailed L${kind.value.level} ${kind.value.target?.kind.case} #${kind.value.attempt}${kind.value.final ? " final" : ""} by ${actor}`;
    case "escalated":
      return `escalated ${kind.value.fromLevel}->${kind.value.toLevel} by ${actor}`;
    case "timeoutIgnored":
      return `timeoutIgnored L${kind.value.level} ${IgnoredTimeoutReason[kind.value.reason]} by ${actor}`;
    case "notificationRetried":
      return `notificationRetried L${kind.value.level} ${kind.value.target?.kind.case} by ${actor}`;
    default:
      return `${kind.case} by ${actor}`;
  }
}

/**
 * The alert timeline against a real server and real providers: every change
 * of an alert and every delivery attempt of its pages is an entry, written
 * with the change, listed oldest first in commit order.
 */
describe("alert timeline (ListAlertEvents)", () => {
  let h: ChannelHarness;

  before(async () => {
    h = await startChannelHarness({
      PAGER_MAX_DELIVERY_ATTEMPTS: "2",
      PAGER_DELIVERY_RETRY_BASE_MS: "1",
    });
  });
  after(async () => {
    await h?.stop();
  });

  /** The whole timeline, read three entries at a time to exercise paging. */
  async function timelineOf(alertId: string): Promise<AlertEvent[]> {
    const all: AlertEvent[] = [];
    let pageToken = "";
    do {
      const page = await h.client.call(method.listAlertEvents, { alertId, pageSize: 3, pageToken });
      all.push(...page.events);
      pageToken = page.nextPageToken;
    } while (pageToken !== "");
    return all;
  }

  /** How the timeline names the harness's client: its admin key, by name. */
  async function callerName(): Promise<string> {
    const { apiKey } = await h.client.call(ApiKeyService.method.getCurrentApiKey, {});
    return `API_KEY:${apiKey?.name}`;
  }

  async function pageState(alertId: string, level: number, state: NotificationState) {
    return eventually(async () => {
      const page = (await notificationsOf(h.client, alertId)).find((n) => n.level === level);
      expect(page?.state).to.equal(state);
      return page;
    }, 10_000);
  }

  it("a three-level escalation with a failed, then retried webhook: every entry once, in commit order, by its actor", async () => {
    const hookUrl = h.fakes.hooks.url(uniqueName("hook"));
    const { service } = await createServiceWithTargets(h.client, [
      [target.email(`${uniqueName("first")}@example.com`)],
      [target.webhook(hookUrl)],
      [target.sms(uniquePhoneNumber())],
    ]);
    h.fakes.hooks.scriptFor(hookUrl, 503, 503);
    const { alert } = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "checkout errors above 5%",
    });
    const alertId = alert?.id ?? "";
    await pageState(alertId, 0, NotificationState.SENT);
    h.clock.advance(60_000);
    await h.client.call(method.handleAcknowledgementTimeout, { alertId, level: 0 });
    const failed = await pageState(alertId, 1, NotificationState.FAILED);
    await h.client.call(NotificationService.method.retryNotification, {
      notificationId: failed?.id ?? "",
    });
    await pageState(alertId, 1, NotificationState.SENT);
    h.clock.advance(60_000);
    await h.client.call(method.handleAcknowledgementTimeout, { alertId, level: 1 });
    await pageState(alertId, 2, NotificationState.SENT);
    await h.client.call(method.handleAcknowledgementTimeout, { alertId, level: 2 });
    await h.client.call(method.acknowledgeAlert, { alertId, acknowledgedBy: "ana" });
    await h.client.call(method.resolveAlert, { subject: { case: "alertId", value: alertId } });

    const timeline = await timelineOf(alertId);
    const caller = await callerName();
    const dispatcher = "SYSTEM:dispatcher";
    expect(timeline.map(line)).to.deep.equal([
      `triggered by ${caller}`,
      `pageQueued L0 email by ${caller}`,
      `pageSent L0 email #1 by ${dispatcher}`,
      `escalated 0->1 by ${caller}`,
      `pageQueued L1 webhook by ${caller}`,
      `pageFailed L1 webhook #1 by ${dispatcher}`,
      `pageFailed L1 webhook #2 final by ${dispatcher}`,
      `notificationRetried L1 webhook by ${caller}`,
      `pageSent L1 webhook #3 by ${dispatcher}`,
      `escalated 1->2 by ${caller}`,
      `pageQueued L2 sms by ${caller}`,
      `pageSent L2 sms #1 by ${dispatcher}`,
      `timeoutIgnored L2 LAST_LEVEL by ${caller}`,
      `acknowledged by ${caller}`,
      `resolved by ${caller}`,
    ]);
    expect(new Set(timeline.map((e) => e.id)).size).to.equal(timeline.length);
    expect(timeline.every((e) => e.alertId === alertId && e.monitoredServiceId === service.id)).to
      .be.true;
    const times = timeline.map(
      (e) => Number(e.createTime?.seconds) * 1e9 + (e.createTime?.nanos ?? 0),
    );
    expect(times).to.deep.equal([...times].sort((x, y) => x - y));
    const failures = timeline.flatMap((e) => (e.kind.case === "pageFailed" ? [e.kind.value] : []));
    expect(failures).to.have.length(2);
    for (const failure of failures) {
      expect(failure.error).to.match(/^the webhook answered HTTP 503/);
    }
    const sent = timeline.flatMap((e) => (e.kind.case === "pageSent" ? [e.kind.value] : []));
    const pages = await notificationsOf(h.client, alertId);
    expect(sent.map((s) => s.providerMessageId)).to.deep.equal(
      [0, 1, 2].map((level) => pages.find((n) => n.level === level)?.providerMessageId),
    );
    const last = timeline.at(-1);
    expect(last?.kind.value).to.include({ healthyEvent: false });
    expect(timeline[13]?.kind.value).to.include({ acknowledgedBy: "ana" });
  });

  it("a suppressed SendAlert counts the signal and records it, and pages nobody", async () => {
    const { service } = await createServiceWithPolicy(h.client);
    const first = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "disk 91%",
    });
    const alertId = first.alert?.id ?? "";
    expect(first.alert).to.include({ signalCount: 1 });
    expect(first.alert?.lastSignalTime).to.deep.equal(first.alert?.createTime);
    const timersBefore = await timersOf(h, alertId);
    h.clock.advance(1000);
    const second = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "disk 95%",
    });
    expect(second.outcome).to.equal(SendAlertOutcome.SUPPRESSED);
    expect(second.alert).to.include({ id: alertId, signalCount: 2, message: "disk 91%" });
    expect(Number(second.alert?.lastSignalTime?.seconds)).to.be.greaterThan(
      Number(first.alert?.createTime?.seconds),
    );
    const { alert: read } = await h.client.call(method.getAlert, { alertId });
    expect(read).to.include({ signalCount: 2 });
    expect(read?.lastSignalTime).to.deep.equal(second.alert?.lastSignalTime);
    expect(await timersOf(h, alertId)).to.deep.equal(timersBefore);
    const pages = await notificationsOf(h.client, alertId);
    expect(pages.map((n) => n.level)).to.deep.equal([0]);
    const suppressed = (await timelineOf(alertId)).filter(
      (e) => e.kind.case === "signalSuppressed",
    );
    expect(suppressed.map((e) => e.kind.value)).to.deep.equal([
      { $typeName: "pager.v1.AlertSignalSuppressed", signalCount: 2, message: "disk 95%" },
    ]);
    expect(suppressed[0]?.createTime).to.deep.equal(second.alert?.lastSignalTime);
  });

  it("an ignored timer callback records its outcome and changes nothing else", async () => {
    const { service } = await createServiceWithPolicy(h.client);
    const { alert } = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "latency",
    });
    const alertId = alert?.id ?? "";
    await h.client.call(method.acknowledgeAlert, { alertId, acknowledgedBy: "bo" });
    await h.client.call(method.handleAcknowledgementTimeout, { alertId, level: 0 });
    await h.client.call(method.handleAcknowledgementTimeout, { alertId, level: 3 });
    const ignored = (await timelineOf(alertId)).filter((e) => e.kind.case === "timeoutIgnored");
    const caller = await callerName();
    expect(ignored.map(line)).to.deep.equal([
      `timeoutIgnored L0 ACKNOWLEDGED by ${caller}`,
      `timeoutIgnored L3 ACKNOWLEDGED by ${caller}`,
    ]);
    expect(ignored.every((e) => e.actor?.apiKeyId !== "")).to.equal(true);
    const { alert: after } = await h.client.call(method.getAlert, { alertId });
    expect(after).to.include({
      state: AlertState.ACKNOWLEDGED,
      currentLevel: 0,
      acknowledgedBy: "bo",
    });
    expect(await notificationsOf(h.client, alertId)).to.have.length(1);
  });

  it("NOT_FOUND for an unknown alert, INVALID_ARGUMENT for a malformed id or page token", async () => {
    const unknown = await h.client.fail(method.listAlertEvents, {
      alertId: "0190b6c4-0000-7000-8000-000000000999",
    });
    expect(unknown.code).to.equal(grpc.status.NOT_FOUND);
    expect(unknown.details).to.match(/^alert_id: /);
    const malformed = await h.client.fail(method.listAlertEvents, { alertId: "nope" });
    expect(malformed.code).to.equal(grpc.status.INVALID_ARGUMENT);
    const { service } = await createServiceWithPolicy(h.client);
    const { alert } = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "x",
    });
    const token = await h.client.fail(method.listAlertEvents, {
      alertId: alert?.id ?? "",
      pageToken: Buffer.from("not-an-event").toString("base64url"),
    });
    expect(token.code).to.equal(grpc.status.INVALID_ARGUMENT);
    expect(token.details).to.match(/^page_token: /);
  });

  it("an entry and its change commit together or not at all", async () => {
    const tag = uniqueName("poison").replaceAll("-", "_");
    await h.db.query(`
      CREATE FUNCTION ${tag}_entry() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.detail->>'message' = '${tag}-entry' THEN RAISE EXCEPTION 'entry refused'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER ${tag}_entry BEFORE INSERT ON alert_events
        FOR EACH ROW EXECUTE FUNCTION ${tag}_entry();
      CREATE FUNCTION ${tag}_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.message = '${tag}-commit' THEN RAISE EXCEPTION 'commit refused'; END IF;
        RETURN NULL;
      END $$;
      CREATE CONSTRAINT TRIGGER ${tag}_commit AFTER INSERT ON alerts
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ${tag}_commit();`);
    try {
      // The entry is refused: the alert, its page and its timer are not written either.
      const { service } = await createServiceWithPolicy(h.client);
      const refused = await h.client.fail(method.sendAlert, {
        monitoredServiceId: service.id,
        message: `${tag}-entry`,
      });
      expect(refused.code).to.equal(grpc.status.INTERNAL);
      const { monitoredService } = await h.client.call(method.getMonitoredService, {
        monitoredServiceId: service.id,
      });
      expect(monitoredService?.health).to.equal(MonitoredServiceHealth.HEALTHY);
      const { alerts } = await h.client.call(method.listAlerts, { monitoredServiceId: service.id });
      expect(alerts).to.deep.equal([]);

      // A suppressed signal whose entry is refused is not counted.
      const { alert } = await h.client.call(method.sendAlert, {
        monitoredServiceId: service.id,
        message: "real",
      });
      await h.client.fail(method.sendAlert, {
        monitoredServiceId: service.id,
        message: `${tag}-entry`,
      });
      const { alert: counted } = await h.client.call(method.getAlert, { alertId: alert?.id ?? "" });
      expect(counted?.signalCount).to.equal(1);

      // The change fails at commit, after its entries were written: they are gone with it.
      const { service: other } = await createServiceWithPolicy(h.client);
      const atCommit = await h.client.fail(method.sendAlert, {
        monitoredServiceId: other.id,
        message: `${tag}-commit`,
      });
      expect(atCommit.code).to.equal(grpc.status.INTERNAL);
      const { rows } = await h.db.query(
        "SELECT count(*)::int AS n FROM alert_events WHERE monitored_service_id = $1",
        [other.id],
      );
      expect(rows[0]?.n).to.equal(0);
    } finally {
      await h.db.query(`
        DROP TRIGGER ${tag}_entry ON alert_events; DROP FUNCTION ${tag}_entry();
        DROP TRIGGER ${tag}_commit ON alerts; DROP FUNCTION ${tag}_commit();`);
    }
  });
});
