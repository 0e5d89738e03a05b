import { expect } from "chai";
import pg from "pg";
import { pino } from "pino";
import type { DataSource } from "typeorm";
import { openDatabase } from "../../src/pager/adapters/postgres/data-source.js";
import { KEY_LOOKUP_PLANS } from "../../src/pager/adapters/postgres/key-lookup-plans.js";
import { lockStatement } from "../../src/pager/adapters/postgres/locked-state-sql.js";
import { notificationWorkers } from "../../src/pager/notification-workers.js";
import { readConfig } from "../../src/pager/settings/pager-config.js";
import { connectionOptions } from "../../src/platform/postgres/database-setup.js";
import { PostgresOutgrownTables } from "../../src/platform/postgres/outgrown-tables.js";
import { systemClock } from "../../src/platform/time/system-clock.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

/** One node of EXPLAIN (FORMAT JSON). */
interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Plans?: PlanNode[];
}

function nodesOf(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodesOf)];
}

/** Where rows are found: a table or index read whole, or an index searched by key. */
const READS = new Set(["Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Index Scan"]);

/** Every way the plan finds rows: "Seq Scan on alerts", "Index Scan alerts_pkey (keyed)"… */
function readsOf(plan: PlanNode): string[] {
  return nodesOf(plan)
    .filter((node) => READS.has(node["Node Type"]))
    .map((node) => {
      const keyed = node["Index Cond"] === undefined ? "" : " (keyed)";
      return `${node["Node Type"]} ${node["Index Name"] ?? `on ${node["Relation Name"]}`}${keyed}`;
    });
}

/** The tables the pager keeps analyzed as they grow. */
const HOT_TABLES = ["monitored_services", "alerts", "notifications", "ack_timers", "alert_events"];
const POLICY_LEVELS = JSON.stringify([
  { targets: [{ kind: "email", address: "oncall@example.com" }] },
]);

/**
 * The hot-path pools plan each statement once per connection and keep the
 * plan, and so does every foreign-key check. A new database is analyzed while
 * empty (an operator's ANALYZE, a restore), then a storm fills it in seconds:
 * the plans made on the empty tables take them for empty and read them whole.
 * Once a table holds twice what its statistics counted, the pager analyzes it, and
 * the plans are made anew as lookups by key. On a database of its own.
 */
describe("planner statistics follow the hot tables' growth (real PostgreSQL)", function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let schema: DataSource;
  let session: pg.Client;
  let outgrown: PostgresOutgrownTables;

  async function explain(statement: string, values: string): Promise<string[]> {
    const { rows } = await session.query(`EXPLAIN (FORMAT JSON) EXECUTE ${statement}(${values})`);
    return readsOf(rows[0]["QUERY PLAN"][0].Plan);
  }

  /** Adds `perService` resolved alerts to each of `services` new services, counted at once. */
  async function fill(services: number, perService: number) {
    await session.query(
      `WITH s AS (
         INSERT INTO monitored_services (id, name, escalation_policy_id, health, create_time, update_time)
         SELECT gen_random_uuid(), 'plans-' || gen_random_uuid(), p.id, 'healthy', now(), now()
           FROM generate_series(1, $1) n, escalation_policies p RETURNING id, escalation_policy_id)
       INSERT INTO alerts (id, monitored_service_id, escalation_policy_id, message, state,
              current_level, level_start_time, levels, create_time, resolve_time, signal_count,
              last_signal_time)
       SELECT gen_random_uuid(), s.id, s.escalation_policy_id, 'history', 'resolved', 0, now(),
              $3, now(), now(), 1, now()
         FROM s, generate_series(1, $2)`,
      [services, perService, POLICY_LEVELS],
    );
    await counted();
  }

  /** The counters a session keeps reach the shared statistics when it is next idle. */
  async function counted() {
    await session.query("SELECT pg_stat_force_next_flush()");
    await session.query("SELECT 1");
  }

  before(async () => {
    database = await createTestDatabase();
    const options = {
      url: database.url,
      poolSize: 2,
      timeouts: readConfig({}).dbTimeouts,
      sessionSettings: KEY_LOOKUP_PLANS,
    };
    schema = await openDatabase(options);
    outgrown = new PostgresOutgrownTables(schema, HOT_TABLES, 500);
    const { extra } = connectionOptions(options, "pager");
    session = new pg.Client({ connectionString: database.url, options: extra.options });
    await session.connect();
    await session.query(
      "INSERT INTO escalation_policies (id, name, levels, create_time, update_time) VALUES (gen_random_uuid(), 'plans', $1, now(), now())",
      [POLICY_LEVELS],
    );
    await schema.query("ANALYZE");
    await session.query(
      `PREPARE lock_subjects(uuid[], uuid[]) AS ${lockStatement([]).statement.text}`,
    );
    // What a foreign-key check of a new timeline entry or page runs for its alert.
    await session.query(
      "PREPARE alert_key_check(uuid) AS SELECT 1 FROM ONLY alerts x WHERE id = $1 FOR KEY SHARE OF x",
    );
    // Planned now, on the empty tables, as the first call of a new pager plans them.
    await session.query("EXECUTE lock_subjects('{}', '{}')");
    await session.query("EXECUTE alert_key_check(gen_random_uuid())");
    await fill(2000, 5);
  });

  after(async () => {
    await session?.end();
    await schema?.destroy();
    await database?.drop();
  });

  it("analyzes the tables that outgrew their statistics, and the plans made before find rows by key", async () => {
    const analyzed = await outgrown.analyzeOutgrown();
    expect(analyzed.map((a) => `${a.table} ${a.rows} ${a.rowsBefore}`)).to.deep.equal([
      "alerts 10000 0",
      "monitored_services 2000 0",
    ]);
    const [service] = await schema.query("SELECT id FROM monitored_services LIMIT 1");
    const [alert] = await schema.query("SELECT id FROM alerts LIMIT 1");
    const lock = await explain("lock_subjects", `'{${service.id}}', '{${alert.id}}'`);
    expect(
      lock.filter((read) => /alerts|monitored_services/.test(read)),
      "how the lock statement finds services and alerts",
    ).to.have.members([
      "Bitmap Index Scan monitored_services_pkey (keyed)",
      "Bitmap Index Scan alerts_pkey (keyed)",
      "Index Scan alerts_pkey (keyed)",
    ]);
    expect(await explain("alert_key_check", `'${alert.id}'`)).to.deep.equal([
      "Index Scan alerts_pkey (keyed)",
    ]);
    expect(await outgrown.analyzeOutgrown(), "analyzed once").to.deep.equal([]);
  });

  it("leaves a table alone until it holds twice the rows it was analyzed with", async () => {
    await fill(100, 1);
    await session.query("UPDATE monitored_services SET update_time = now()");
    await counted();
    expect(
      await outgrown.analyzeOutgrown(),
      "grown by a twentieth, every row updated",
    ).to.deep.equal([]);
    await fill(1900, 1);
    expect((await outgrown.analyzeOutgrown()).map((a) => a.table)).to.deep.equal([
      "monitored_services",
    ]);
  });

  it("names a table off the search path with its schema, as the timer service's are", async () => {
    await session.query("CREATE SCHEMA elsewhere");
    await session.query("CREATE TABLE elsewhere.grown AS SELECT n FROM generate_series(1, 600) n");
    await counted();
    const analyzed = await new PostgresOutgrownTables(
      schema,
      ["elsewhere.grown"],
      500,
    ).analyzeOutgrown();
    expect(analyzed).to.deep.equal([{ table: "elsewhere.grown", rows: 600, rowsBefore: 0 }]);
    const [table] = await schema.query(
      "SELECT reltuples FROM pg_class WHERE oid = 'elsewhere.grown'::regclass",
    );
    expect(table.reltuples, "analyzed").to.equal(600);
  });

  it("the dispatcher's connections plan as key lookups too", async () => {
    const workers = await notificationWorkers({
      config: readConfig({}),
      databaseUrl: database.url,
      clock: systemClock,
      logger: pino({ level: "silent" }),
      metrics: { pageSent: () => {}, pageFailed: () => {} },
      links: { publicUrl: "http://127.0.0.1", acknowledgeLink: () => "http://127.0.0.1" },
      eventsRecorded: () => {},
      onError: () => () => {},
      batchSize: 10,
      maxIdleMs: 1000,
    });
    try {
      const settings = await workers.pool?.query(
        "SELECT name || '=' || setting AS setting FROM pg_settings WHERE name = ANY($1)",
        [KEY_LOOKUP_PLANS.map((setting) => setting.split("=")[0])],
      );
      expect(settings.map((row: { setting: string }) => row.setting)).to.have.members([
        ...KEY_LOOKUP_PLANS,
      ]);
    } finally {
      await workers.close();
    }
  });
});
