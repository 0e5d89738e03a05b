import { expect } from "chai";
import pg from "pg";
import { alertStorm, allSent, expectEachPageOnce, stormTargets } from "../support/alert-storm.js";
import { type FakeProviders, startFakeProviders } from "../support/fake-providers.js";
import { eventually } from "../support/pager-harness.js";
import { type PagerProcess, startPagerProcess } from "../support/pager-process.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const SECRET = "crash-secret";
const LEASE_MS = 3000;

/**
 * "Nothing lost" across a crash, with real processes: the first server claims
 * the pages and sends them, the providers hold every request unanswered (so
 * nothing is delivered and the claims are certainly taken), the server is
 * SIGKILLed, and a second server delivers every page once the lease has run
 * out; the providers see each page accepted exactly once.
 */
describe("a server killed after claiming pages (SIGKILL, real child processes)", () => {
  let db: TestDatabase;
  let fakes: FakeProviders;
  const servers: PagerProcess[] = [];

  before(async () => {
    [db, fakes] = await Promise.all([createTestDatabase(), startFakeProviders(SECRET)]);
  });
  after(async () => {
    await Promise.all(servers.map((server) => server.kill()));
    await fakes?.close();
    await db?.drop();
  });

  it("a restarted server delivers every claimed page, none twice", async () => {
    const { twilio, hooks } = fakes;
    const env = {
      ...fakes.env,
      DATABASE_URL: db.url,
      PAGER_TIMER_WORKER: "off",
      PAGER_WORKER_LEASE_MS: String(LEASE_MS),
      PAGER_DELIVERY_TIMEOUT_MS: String(LEASE_MS - 500),
    };
    twilio.http.holdAll();
    hooks.http.holdAll();
    const first = await startPagerProcess(env);
    servers.push(first);
    const targets = stormTargets(hooks, 3, 2);
    const alertIds = await alertStorm([first.client], 4, targets);
    await eventually(async () => {
      expect(twilio.http.heldCount() + hooks.http.heldCount()).to.equal(20);
    });

    await first.kill();
    await eventually(async () => {
      expect(twilio.http.abandoned + hooks.http.abandoned).to.equal(20);
    });
    const claims = await rows<{ state: string; attempts: number; claimed: boolean }>(
      db.url,
      "SELECT state, attempts, claimed_until > now() AS claimed FROM notifications",
    );
    expect(claims).to.have.length(20);
    expect(claims.every((c) => c.state === "pending" && c.attempts === 0 && c.claimed)).to.equal(
      true,
    );

    twilio.http.release();
    hooks.http.release();
    const second = await startPagerProcess(env);
    servers.push(second);
    const pages = await allSent(second.client, alertIds, 4 * LEASE_MS);
    expect(pages.map((p) => p.attempts)).to.deep.equal(Array(20).fill(1));
    expectEachPageOnce(twilio, hooks, targets, alertIds);
    expect(twilio.http.answered.length + hooks.http.answered.length).to.equal(20);
  });
});

async function rows<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}
