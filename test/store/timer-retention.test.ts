import { expect } from "chai";
import type pg from "pg";
import { assertionPool } from "../support/assertion-pool.js";
import { eventually } from "../support/pager-harness.js";
import { scrapeOk } from "../support/scrape.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { TEST_KEYS } from "../support/test-keys.js";
import { startTimerHarness } from "../support/timer-harness.js";

const DAY = 86_400_000;

/**
 * The timer service's retention, as it runs: rows of every state, some
 * changed longer ago than TIMER_RETENTION (7 days by default), in a database
 * of their own; a replica that starts deletes exactly the old finished ones
 * and counts them in its metrics.
 */
describe("timer retention deletes old finished timers and nothing else (real PostgreSQL)", function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let sql: pg.Pool;

  before(async () => {
    database = await createTestDatabase();
    // A first start creates the schema; no timer exists yet.
    await (await startTimerHarness(database.url, {})).stop();
    sql = assertionPool(database.url);
  });
  after(async () => {
    await sql?.end();
    await database?.drop();
  });

  /** A timer in `state`, last changed `ageMs` ago; live ones are due tomorrow, so nothing fires. */
  async function insert(id: string, state: string, ageMs: number): Promise<void> {
    const changed = new Date(Date.now() - ageMs);
    const live = state === "scheduled" || state === "firing";
    const tomorrow = new Date(Date.now() + DAY);
    await sql.query(
      `INSERT INTO timer.timers (timer_id, fire_time, endpoint, method, request, state,
                                 create_time, update_time, next_attempt_time, claimed_until)
       VALUES ($1, $2, '127.0.0.1:1', '/pager.v1.PagerService/HandleAcknowledgementTimeout',
               '\\x', $3, $4, $4, $5, $6)`,
      [id, live ? tomorrow : changed, state, changed, live ? tomorrow : null, null],
    );
  }

  it("a replica deletes fired, failed and cancelled timers older than 7 days; keeps live and recent ones", async () => {
    const old = 8 * DAY;
    await insert("old-fired", "fired", old);
    await insert("old-failed", "failed", old);
    await insert("old-cancelled", "cancelled", old);
    await insert("old-scheduled", "scheduled", old);
    await insert("old-firing", "firing", old);
    await insert("recent-fired", "fired", 6 * DAY);
    await insert("recent-cancelled", "cancelled", DAY);

    const replica = await startTimerHarness(database.url, {});
    try {
      const left = await eventually(async () => {
        const { rows } = await sql.query(
          'SELECT timer_id FROM timer.timers ORDER BY timer_id COLLATE "C"',
        );
        const ids = rows.map((row) => row.timer_id);
        expect(ids).to.have.length(4);
        return ids;
      });
      expect(left).to.deep.equal([
        "old-firing",
        "old-scheduled",
        "recent-cancelled",
        "recent-fired",
      ]);
      const metrics = await scrapeOk(replica.address, TEST_KEYS.timerService);
      expect(metrics.value("timer_retention_deleted_total", { table: "timers" })).to.equal(3);
    } finally {
      await replica.stop();
    }
  });
});
