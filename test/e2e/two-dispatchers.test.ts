import { alertStorm, allSent, expectEachPageOnce, stormTargets } from "../support/alert-storm.js";
import { type FakeProviders, startFakeProviders } from "../support/fake-providers.js";
import { type PagerProcess, startPagerProcess } from "../support/pager-process.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const SECRET = "two-process-secret";

/**
 * "Never twice" across processes: two servers on one database both dispatch
 * (SKIP LOCKED claims), an alert storm arrives through both at once, and the
 * providers see every target paged exactly once per alert.
 */
describe("two server processes on one database, one alert storm (real child processes)", () => {
  let db: TestDatabase;
  let fakes: FakeProviders;
  let a: PagerProcess;
  let b: PagerProcess;

  before(async () => {
    [db, fakes] = await Promise.all([createTestDatabase(), startFakeProviders(SECRET)]);
    const env = { ...fakes.env, DATABASE_URL: db.url, PAGER_TIMER_WORKER: "off" };
    [a, b] = await Promise.all([startPagerProcess(env), startPagerProcess(env)]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await fakes?.close();
    await db?.drop();
  });

  it("every target receives each page exactly once", async () => {
    const { twilio, hooks } = fakes;
    const targets = stormTargets(hooks, 3, 2);
    const alertIds = await alertStorm([a.client, b.client], 40, targets);
    await allSent(b.client, alertIds, 20_000);
    expectEachPageOnce(twilio, hooks, targets, alertIds);
  });
});
