import { createClient } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import pg from "pg";
import { PagerService, type WatchAlertsResponse } from "../../gen/pager/v1/pager_service_pb.js";
import { connectTransport } from "../support/api-keys.js";
import { testDatabaseUrl } from "../support/global-database.js";
import {
  AlertState,
  createServiceWithPolicy,
  NotificationState,
  notificationsOf,
} from "../support/pager-fixtures.js";
import { eventually, type PagerHarness, startPagerHarness } from "../support/pager-harness.js";
import { StreamRecorder } from "../support/stream-recorder.js";
import { TEST_KEYS } from "../support/test-keys.js";

const { method } = PagerService;

type Watch = StreamRecorder<WatchAlertsResponse>;

/** The changes a watch received, as "kind:alert" strings, in order. */
function changesOf(watch: Watch, from = 0) {
  return watch.messages
    .slice(from)
    .flatMap((m) => (m.update.case === "change" ? [m.update.value] : []));
}

function isChange(kind: string, alertId: string) {
  return (m: WatchAlertsResponse) =>
    m.update.case === "change" &&
    m.update.value.event?.kind.case === kind &&
    m.update.value.event.alertId === alertId;
}

const snapshotComplete = (m: WatchAlertsResponse) => m.update.case === "snapshotComplete";

/**
 * WatchAlerts against real servers on one real database: two pager replicas,
 * grpc-js (HTTP/2) and Connect (HTTP/1.1) clients. Changes are made through
 * the public API and must reach watchers of either replica, in commit order,
 * once each, across disconnects.
 */
describe("WatchAlerts: live alert changes across replicas", () => {
  let a: PagerHarness;
  let b: PagerHarness;
  const open: Watch[] = [];
  const streams: grpc.ClientReadableStream<unknown>[] = [];

  before(async () => {
    a = await startPagerHarness();
    b = await startPagerHarness();
  });
  afterEach(() => {
    for (const stream of streams.splice(0)) stream.cancel();
    open.length = 0;
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
  });

  function watch(h: PagerHarness, request: { monitoredServiceId?: string; resumeToken?: string }) {
    const stream = h.client.stream(method.watchAlerts, request);
    streams.push(stream);
    const recorder = StreamRecorder.grpc(stream);
    open.push(recorder);
    return { recorder, stream };
  }

  async function alertOn(h: PagerHarness, monitoredServiceId: string, message = "down") {
    const { alert } = await h.client.call(method.sendAlert, { monitoredServiceId, message });
    if (alert === undefined) throw new Error("no alert");
    return alert;
  }

  it("sends the active alerts, then snapshot_complete, then each change within a second (grpc-js)", async () => {
    const { service } = await createServiceWithPolicy(a.client);
    const { service: other } = await createServiceWithPolicy(a.client);
    const active = await alertOn(a, service.id);
    const { recorder } = watch(a, { monitoredServiceId: service.id });
    await recorder.waitFor(snapshotComplete);
    const snapshot = recorder.messages.slice(0, -1);
    expect(snapshot.map((m) => m.update.case)).to.deep.equal(["activeAlert"]);
    expect(snapshot[0]?.update.value).to.include({ id: active.id, state: AlertState.TRIGGERED });
    expect(snapshot[0]?.resumeToken).to.equal("");
    expect(recorder.messages.at(-1)?.resumeToken).to.not.equal("");

    await alertOn(a, other.id); // another service: filtered out
    const started = Date.now();
    await a.client.call(method.acknowledgeAlert, { alertId: active.id, acknowledgedBy: "ana" });
    const acked = await recorder.waitFor(isChange("acknowledged", active.id), 1000);
    expect(Date.now() - started).to.be.below(1000);
    if (acked.update.case !== "change") throw new Error("not a change");
    expect(acked.update.value.alert).to.include({
      id: active.id,
      state: AlertState.ACKNOWLEDGED,
      acknowledgedBy: "ana",
    });
    expect(acked.update.value.event?.monitoredServiceId).to.equal(service.id);
    expect(acked.update.value.event?.actor).to.not.equal(undefined);
    expect(acked.resumeToken).to.not.equal("");
    expect(changesOf(recorder).every((c) => c.event?.monitoredServiceId === service.id)).to.equal(
      true,
    );
  });

  it("serves Connect clients over HTTP/1.1 the same stream", async () => {
    const { service } = await createServiceWithPolicy(a.client);
    const client = createClient(
      PagerService,
      connectTransport(`http://${a.address}`, TEST_KEYS.admin),
    );
    const abort = new AbortController();
    const recorder = StreamRecorder.connect(
      client.watchAlerts({ monitoredServiceId: service.id }, { signal: abort.signal }),
    );
    try {
      await recorder.waitFor(snapshotComplete);
      expect(recorder.messages).to.have.length(1);
      const alert = await alertOn(a, service.id);
      const triggered = await recorder.waitFor(isChange("triggered", alert.id), 1000);
      if (triggered.update.case !== "change") throw new Error("not a change");
      expect(triggered.update.value.event?.kind.value).to.include({ message: "down" });
      await recorder.waitFor(isChange("pageQueued", alert.id), 1000);
    } finally {
      abort.abort();
      await recorder.ended;
    }
  });

  it("a change committed through one replica reaches a watcher of the other", async () => {
    const { service } = await createServiceWithPolicy(a.client);
    const { recorder } = watch(b, { monitoredServiceId: service.id });
    await recorder.waitFor(snapshotComplete);
    const started = Date.now();
    const alert = await alertOn(a, service.id);
    await recorder.waitFor(isChange("triggered", alert.id), 1000);
    const resolved = Date.now();
    await a.client.call(method.resolveAlert, { subject: { case: "alertId", value: alert.id } });
    const change = await recorder.waitFor(isChange("resolved", alert.id), 1000);
    expect(Date.now() - started).to.be.below(2000);
    expect(Date.now() - resolved).to.be.below(1000);
    if (change.update.case !== "change") throw new Error("not a change");
    expect(change.update.value.alert?.state).to.equal(AlertState.RESOLVED);
    expect(change.update.value.event?.kind.value).to.include({ healthyEvent: false });
  });

  it("an entry written first but committed last is delivered in its place, never skipped", async () => {
    const { service } = await createServiceWithPolicy(a.client);
    const alert = await alertOn(a, service.id);
    // Its page delivered (and that recorded) first, so nothing else commits meanwhile.
    await eventually(async () => {
      const [page] = await notificationsOf(a.client, alert.id);
      expect(page?.state).to.equal(NotificationState.SENT);
    });
    const { recorder } = watch(b, { monitoredServiceId: service.id });
    await recorder.waitFor(snapshotComplete);
    const slow = await a.db.connect();
    try {
      // A transaction takes its place (its id) and writes an entry, then stays open…
      await slow.query("BEGIN");
      await slow.query(
        `INSERT INTO alert_events (alert_id, monitored_service_id, create_time, actor, kind, detail)
         VALUES ($1, $2, now(), '{"kind":"system","name":"test"}', 'signal-suppressed',
                 '{"signalCount": 2, "message": "slow"}')`,
        [alert.id, service.id],
      );
      // …while a later one commits: a reader that moved past it would never see the first.
      await a.client.call(method.acknowledgeAlert, { alertId: alert.id, acknowledgedBy: "ana" });
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(changesOf(recorder)).to.deep.equal([]);
      await slow.query("COMMIT");
    } catch (error) {
      await slow.query("ROLLBACK");
      throw error;
    } finally {
      slow.release();
    }
    await recorder.waitFor(isChange("acknowledged", alert.id), 2000);
    expect(changesOf(recorder).map((c) => c.event?.kind.case)).to.deep.equal([
      "signalSuppressed",
      "acknowledged",
    ]);
  });

  it("a long transaction in another database holds no change back", async () => {
    const { service } = await createServiceWithPolicy(a.client);
    const { recorder } = watch(a, { monitoredServiceId: service.id });
    await recorder.waitFor(snapshotComplete);
    const url = new URL(await testDatabaseUrl());
    url.pathname = "/postgres";
    const elsewhere = new pg.Client({ connectionString: url.toString() });
    await elsewhere.connect();
    try {
      await elsewhere.query("BEGIN");
      await elsewhere.query("SELECT pg_current_xact_id()");
      const alert = await alertOn(a, service.id);
      await recorder.waitFor(isChange("triggered", alert.id), 1000);
    } finally {
      await elsewhere.query("ROLLBACK");
      await elsewhere.end();
    }
  });

  it("resumes after a disconnect during a burst: nothing missed, nothing twice, in commit order", async () => {
    const { service } = await createServiceWithPolicy(a.client);
    const first = watch(a, { monitoredServiceId: service.id });
    await first.recorder.waitFor(snapshotComplete);
    const cycles = 20;
    const burst = (async () => {
      for (let i = 0; i < cycles; i++) {
        const h = i % 2 === 0 ? a : b;
        const alert = await alertOn(h, service.id, `burst ${i}`);
        await alertOn(h === a ? b : a, service.id, `again ${i}`);
        await h.client.call(method.acknowledgeAlert, { alertId: alert.id, acknowledgedBy: "ana" });
        await h.client.call(method.resolveAlert, {
          subject: { case: "monitoredServiceId", value: service.id },
        });
      }
    })();
    // Cut the stream in the middle of the burst.
    await first.recorder.waitFor((m) => changesOf(first.recorder).length >= 12 && m !== undefined);
    first.stream.cancel();
    await first.recorder.ended;
    const received = first.recorder.messages.filter((m) => m.resumeToken !== "");
    const lastToken = received.at(-1)?.resumeToken ?? "";
    const beforeCut = changesOf(first.recorder);

    // Changes commit while nobody watches: the resumed stream reads them from the log itself.
    const cutAt = beforeCut.length;
    await eventually(async () => {
      const { alerts } = await a.client.call(method.listAlerts, {
        monitoredServiceId: service.id,
        pageSize: 1000,
      });
      expect(alerts.length).to.be.at.least(Math.ceil(cutAt / 8) + 3);
    });
    const second = watch(b, { monitoredServiceId: service.id, resumeToken: lastToken });
    await burst;
    expect(second.recorder.messages[0]?.update.case).to.equal("progress");

    // The truth: every alert of the service and its whole timeline, as stored.
    const { alerts } = await a.client.call(method.listAlerts, {
      monitoredServiceId: service.id,
      pageSize: 1000,
    });
    expect(alerts).to.have.length(cycles);
    const stored: string[] = [];
    for (const alert of alerts) {
      const { events } = await a.client.call(method.listAlertEvents, {
        alertId: alert.id,
        pageSize: 1000,
      });
      stored.push(...events.map((e) => e.id));
    }
    const seen = await eventually(async () => {
      const ids = [...beforeCut, ...changesOf(second.recorder)].map((c) => c.event?.id ?? "");
      expect([...ids].sort()).to.deep.equal([...stored].sort());
      return ids;
    }, 10_000);
    expect(new Set(seen).size).to.equal(seen.length);
    // Per alert, the stream's order is the timeline's order.
    for (const alert of alerts) {
      const { events } = await a.client.call(method.listAlertEvents, {
        alertId: alert.id,
        pageSize: 1000,
      });
      const streamed = [...beforeCut, ...changesOf(second.recorder)]
        .filter((c) => c.event?.alertId === alert.id)
        .map((c) => c.event?.id);
      expect(streamed).to.deep.equal(events.map((e) => e.id));
    }
  });

  it("refuses a malformed token, one from another database, and one older than the kept history", async () => {
    const malformed = watch(a, { resumeToken: "not-a-token" });
    expect(await malformed.recorder.ended).to.include({ code: grpc.status.INVALID_ARGUMENT });
    expect((await malformed.recorder.ended).message).to.match(/^resume_token: /);

    const future = Buffer.from(`w1.${2n ** 62n}.1`).toString("base64url");
    const unknown = watch(a, { resumeToken: future });
    expect(await unknown.recorder.ended).to.include({ code: grpc.status.FAILED_PRECONDITION });

    const { service } = await createServiceWithPolicy(a.client);
    const before = watch(a, { monitoredServiceId: service.id });
    const marker = await before.recorder.waitFor(snapshotComplete);
    const alert = await alertOn(a, service.id);
    await a.client.call(method.resolveAlert, { subject: { case: "alertId", value: alert.id } });
    await a.client.call(method.deleteMonitoredService, { monitoredServiceId: service.id });
    const stale = watch(b, { resumeToken: marker.resumeToken });
    const end = await stale.recorder.ended;
    expect(end).to.include({ code: grpc.status.FAILED_PRECONDITION });
    expect(end.message).to.match(/no longer kept/);
  });
});

describe("WatchAlerts: limits and shutdown", () => {
  it("refuses watches beyond PAGER_MAX_WATCHES with RESOURCE_EXHAUSTED, and frees the place when one ends", async () => {
    const h = await startPagerHarness({ PAGER_MAX_WATCHES: "1" });
    try {
      const first = h.client.stream(method.watchAlerts, {});
      const held = StreamRecorder.grpc(first);
      await held.waitFor(snapshotComplete);
      const refused = StreamRecorder.grpc(h.client.stream(method.watchAlerts, {}));
      const end = await refused.ended;
      expect(end).to.include({ code: grpc.status.RESOURCE_EXHAUSTED });
      expect(end.message).to.match(/PAGER_MAX_WATCHES/);
      first.cancel();
      await held.ended;
      const next = await eventually(async () => {
        const again = StreamRecorder.grpc(h.client.stream(method.watchAlerts, {}));
        await again.waitFor(snapshotComplete, 1000);
        return again;
      });
      expect(next.messages.at(-1)?.update.case).to.equal("snapshotComplete");
    } finally {
      await h.stop();
    }
  });

  it("ends open watches with UNAVAILABLE at shutdown, without waiting out the grace period", async () => {
    const h = await startPagerHarness({ PAGER_SHUTDOWN_GRACE_MS: "20000" });
    const grpcWatch = StreamRecorder.grpc(h.client.stream(method.watchAlerts, {}));
    const connect = createClient(
      PagerService,
      connectTransport(`http://${h.address}`, TEST_KEYS.admin),
    );
    const connectWatch = StreamRecorder.connect(connect.watchAlerts({}));
    await grpcWatch.waitFor(snapshotComplete);
    await connectWatch.waitFor(snapshotComplete);
    const started = Date.now();
    await h.stop();
    expect(Date.now() - started).to.be.below(3000);
    expect(await grpcWatch.ended).to.include({ code: grpc.status.UNAVAILABLE });
    expect((await grpcWatch.ended).message).to.match(/shutting down/);
    expect(await connectWatch.ended).to.include({ code: grpc.status.UNAVAILABLE });
  });
});
