import { expect } from "chai";
import {
  AcknowledgementTimeoutOutcome,
  PagerService,
  SendAlertOutcome,
} from "../../gen/pager/v1/pager_service_pb.js";
import {
  createServiceWithPolicy,
  notificationsOf,
  pageSummary,
  timersOf,
} from "../support/pager-fixtures.js";
import { type PagerHarness, startPagerHarness } from "../support/pager-harness.js";

const { method } = PagerService;

/**
 * The concurrency rule, on real PostgreSQL: the row lock and the constraints,
 * not luck, keep every page single. The in-process workers are off so that
 * only the racing calls below can escalate.
 */
describe("races (real PostgreSQL, concurrent grpc-js calls)", () => {
  let h: PagerHarness;
  before(async () => {
    h = await startPagerHarness({ PAGER_TIMER_WORKER: "off", PAGER_DB_POOL_SIZE: "30" });
  });
  after(async () => {
    await h?.stop();
  });

  it("50 concurrent SendAlert for one healthy service: one CREATED, each level-0 target paged once", async () => {
    const { service } = await createServiceWithPolicy(h.client);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        h.client.call(method.sendAlert, { monitoredServiceId: service.id, message: `storm ${i}` }),
      ),
    );
    const created = results.filter((r) => r.outcome === SendAlertOutcome.CREATED);
    expect(created).to.have.length(1);
    const alertId = created[0]?.alert?.id ?? "";
    expect(results.every((r) => r.alert?.id === alertId)).to.equal(true);
    expect(pageSummary(await notificationsOf(h.client, alertId))).to.deep.equal(["0:email"]);
    expect((await timersOf(h, alertId)).map((t) => t.level)).to.deep.equal([0]);
    const { rows } = await h.db.query(
      "SELECT count(*)::int AS n FROM alerts WHERE monitored_service_id = $1",
      [service.id],
    );
    expect(rows[0].n).to.equal(1);
  });

  it("20 concurrent copies of one HandleAcknowledgementTimeout: exactly one escalation", async () => {
    const { service } = await createServiceWithPolicy(h.client);
    const { alert } = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "down",
    });
    const alertId = alert?.id ?? "";
    h.clock.advance(60_000);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        h.client.call(method.handleAcknowledgementTimeout, { alertId, level: 0 }),
      ),
    );
    const outcomes = results.map((r) => r.outcome);
    expect(outcomes.filter((o) => o === AcknowledgementTimeoutOutcome.ESCALATED)).to.have.length(1);
    expect(
      outcomes.filter((o) => o === AcknowledgementTimeoutOutcome.IGNORED_STALE),
    ).to.have.length(19);
    expect(pageSummary(await notificationsOf(h.client, alertId))).to.deep.equal([
      "0:email",
      "1:sms",
      "1:webhook",
    ]);
    expect((await timersOf(h, alertId)).map((t) => t.level)).to.deep.equal([1]);
  });

  it("acknowledgement racing a timeout, 40 times: never a page queued after the acknowledgement", async () => {
    let escalatedFirst = 0;
    let acknowledgedFirst = 0;
    for (let round = 0; round < 40; round += 1) {
      const { service } = await createServiceWithPolicy(h.client);
      const { alert } = await h.client.call(method.sendAlert, {
        monitoredServiceId: service.id,
        message: `race ${round}`,
      });
      const alertId = alert?.id ?? "";
      h.clock.advance(60_000);
      const [acked, timeout] = await Promise.all([
        h.client.call(method.acknowledgeAlert, { alertId, acknowledgedBy: "ana" }),
        h.client.call(method.handleAcknowledgementTimeout, { alertId, level: 0 }),
      ]);
      const { rows } = await h.db.query<{ late: number; level1: number }>(
        `SELECT count(*) FILTER (WHERE n.create_time > a.acknowledge_time)::int AS late,
                count(*) FILTER (WHERE n.level = 1)::int AS level1
           FROM notifications n JOIN alerts a ON a.id = n.alert_id WHERE a.id = $1`,
        [alertId],
      );
      expect(rows[0]?.late, `round ${round}: page after acknowledgement`).to.equal(0);
      expect(await timersOf(h, alertId), `round ${round}: timer left armed`).to.deep.equal([]);
      if (timeout.outcome === AcknowledgementTimeoutOutcome.ESCALATED) {
        escalatedFirst += 1;
        expect(rows[0]?.level1).to.equal(2);
        expect(acked.alert?.currentLevel).to.equal(1);
      } else {
        acknowledgedFirst += 1;
        expect(timeout.outcome).to.equal(AcknowledgementTimeoutOutcome.IGNORED_ACKNOWLEDGED);
        expect(rows[0]?.level1).to.equal(0);
      }
    }
    expect(escalatedFirst + acknowledgedFirst).to.equal(40);
  });
});
