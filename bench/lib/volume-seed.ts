import { openDatabase } from "../../src/pager/adapters/postgres/data-source.js";
import type { BenchDatabase } from "./bench-database.js";
import { fixed } from "./text-table.js";

/** How much history to seed. */
export interface VolumeSize {
  readonly services: number;
  readonly alerts: number;
  readonly notificationsPerAlert: number;
  readonly eventsPerAlert: number;
}

/**
 * Migrates `db` with the pager's own migrations, then fills it with resolved
 * history in a few set-based statements (generate_series): `services`
 * healthy services on one policy, `alerts` resolved alerts spread over them,
 * their sent notifications and timeline entries. Ids are version-7 shaped
 * and older than any the server makes, as a year of history would be.
 */
export async function seedVolume(db: BenchDatabase, size: VolumeSize): Promise<void> {
  const started = performance.now();
  const dataSource = await openDatabase({
    url: db.url,
    poolSize: 1,
    timeouts: { statementMs: 0, lockMs: 0, idleInTransactionMs: 0 },
  });
  await dataSource.destroy();
  const id = (prefix: string, n: string) =>
    `('00000000-0000-7${prefix}-8000-' || lpad(to_hex(${n}), 12, '0'))::uuid`;
  const steps: [string, string][] = [
    [
      "policy",
      `INSERT INTO escalation_policies (id, name, levels, create_time, update_time)
       VALUES (${id("000", "0")}, 'volume policy',
         '[{"targets":[{"kind":"email","address":"oncall@volume.example.com"}],"ackTimeoutMs":900000}]',
         now() - interval '1 year', now() - interval '1 year')`,
    ],
    [
      `${size.services} services`,
      `INSERT INTO monitored_services (id, name, escalation_policy_id, health, create_time, update_time)
       SELECT ${id("001", "s")}, 'volume-svc-' || s, ${id("000", "0")}, 'healthy',
              now() - interval '1 year', now() - interval '1 year'
         FROM generate_series(0, ${size.services - 1}) s`,
    ],
    [
      `${size.alerts} resolved alerts`,
      `INSERT INTO alerts (id, monitored_service_id, escalation_policy_id, message, state,
              current_level, level_start_time, levels, create_time, resolve_time, signal_count,
              last_signal_time)
       SELECT ${id("002", "a")}, ${id("001", `a % ${size.services}`)}, ${id("000", "0")},
              'volume: disk full on host ' || a, 'resolved', 0, t, p.levels, t,
              t + interval '20 minutes', 1, t
         FROM generate_series(0, ${size.alerts - 1}) a,
              LATERAL (SELECT now() - interval '1 year'
                         + (a * interval '1 year' / ${size.alerts}) AS t) tt,
              escalation_policies p`,
    ],
    [
      `${size.alerts * size.notificationsPerAlert} sent notifications`,
      `INSERT INTO notifications (id, alert_id, level, target, target_key, state, attempts,
              create_time, send_time, next_attempt_time)
       SELECT ${id("003", `a * ${size.notificationsPerAlert} + k`)}, ${id("002", "a")}, 0,
              jsonb_build_object('kind', 'email', 'address', 'oncall-' || k || '@volume.example.com'),
              'email:oncall-' || k || '@volume.example.com', 'sent', 1,
              now() - interval '1 year', now() - interval '1 year', now() - interval '1 year'
         FROM generate_series(0, ${size.alerts - 1}) a,
              generate_series(0, ${size.notificationsPerAlert - 1}) k`,
    ],
    [
      `${size.alerts * size.eventsPerAlert} timeline entries`,
      `INSERT INTO alert_events (alert_id, monitored_service_id, create_time, actor, kind, detail)
       SELECT ${id("002", "a")}, ${id("001", `a % ${size.services}`)}, now() - interval '1 year',
              '{"kind":"system","name":"volume"}', 'page-sent', '{}'
         FROM generate_series(0, ${size.alerts - 1}) a,
              generate_series(1, ${size.eventsPerAlert}) k`,
    ],
    ["VACUUM ANALYZE", "VACUUM ANALYZE"],
  ];
  for (const [what, sql] of steps) {
    const stepStarted = performance.now();
    await db.query(sql);
    console.log(`  seeded ${what} in ${fixed((performance.now() - stepStarted) / 1000, 1)} s`);
  }
  const [row] = await db.query<{ size: string }>(
    "SELECT pg_size_pretty(pg_database_size(current_database())) AS size",
  );
  console.log(
    `seeded in ${fixed((performance.now() - started) / 1000, 1)} s; database size ${row?.size}`,
  );
}
