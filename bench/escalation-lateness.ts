import { EscalationPolicyService } from "../gen/pager/v1/escalation_policy_pb.js";
import { PagerService, SendAlertOutcome } from "../gen/pager/v1/pager_service_pb.js";
import { mapConcurrently } from "../test/support/map-concurrently.js";
import { seconds, target } from "../test/support/pager-fixtures.js";
import { type ServiceProcess, startServiceProcess } from "../test/support/service-process.js";
import { TEST_KEYS } from "../test/support/test-keys.js";
import { createBenchDatabase } from "./lib/bench-database.js";
import { adminUrl, readChoice, readPositive } from "./lib/env-settings.js";
import { LoadClient } from "./lib/grpc-load-client.js";
import { summarize } from "./lib/latency-stats.js";
import { loadAverage, machineDescription } from "./lib/machine.js";
import { readCpuMs } from "./lib/proc-stats.js";
import { runMain } from "./lib/run-main.js";
import { freePort, type ServerProcess, startServerProcess } from "./lib/server-process.js";
import { fixed } from "./lib/text-table.js";

/**
 * `npm run bench:escalation`: acknowledgement timeouts at volume, end to
 * end, through the pager's in-process timer worker or (BENCH_TIMER_MODE=service)
 * a timer service in its own process, which the pager hands the timers to
 * and which calls HandleAcknowledgementTimeout back. BENCH_TIMEOUTS alerts
 * (10,000) are sent evenly over BENCH_SPREAD_SECONDS (60), on a policy whose
 * level 0 waits BENCH_ACK_SECONDS (60) — so the timeouts fall due spread over
 * a minute, after the last alert was sent — and nobody acknowledges. The
 * lateness of each escalation is its timeline entry's time (decided under
 * the lock, committed with the escalation) minus the moment the level's
 * delay ran out. Target: p99 ≤ 1 s. An alert escalated twice, or not at
 * all, fails the run.
 *
 * Environment: DATABASE_URL (server for a throwaway database),
 * BENCH_TIMER_MODE (in-process | service), BENCH_TIMEOUTS,
 * BENCH_SPREAD_SECONDS, BENCH_ACK_SECONDS,
 * BENCH_SERVER_LOG_LEVEL (warn).
 */

const TARGET_P99_MS = 1000;
const SETUP_CONCURRENCY = 32;
const CALLBACK_METHOD = `${PagerService.typeName}/${PagerService.method.handleAcknowledgementTimeout.name}`;

/**
 * A timer service on the run's database, allowed to call the pager at
 * `pagerPort` back, and what the pager needs to reach it.
 */
async function startTimerService(databaseUrl: string, pagerPort: number) {
  const port = await freePort();
  const timer = await startServiceProcess(
    "test/support/timer-main.ts",
    {
      DATABASE_URL: databaseUrl,
      TIMER_PORT: String(port),
      TIMER_CALLBACK_ALLOWLIST: `127.0.0.1:${pagerPort}/${CALLBACK_METHOD}`,
      TIMER_API_KEYS: TEST_KEYS.timerService,
      TIMER_LOG_LEVEL: "warn",
    },
    `127.0.0.1:${port}`,
  );
  const pagerEnv = {
    PAGER_TIMER_URL: `http://127.0.0.1:${port}`,
    PAGER_TIMER_API_KEY: TEST_KEYS.timerService,
    PAGER_TIMER_CALLBACK_URL: `http://127.0.0.1:${pagerPort}`,
    PAGER_TIMER_CALLBACK_KEY: TEST_KEYS.timerCallback,
  };
  return { timer, pagerEnv };
}

async function main(): Promise<number> {
  const env = process.env;
  const count = Math.floor(readPositive(env, "BENCH_TIMEOUTS", 10_000));
  const spreadMs = readPositive(env, "BENCH_SPREAD_SECONDS", 60) * 1000;
  const ackSeconds = Math.floor(readPositive(env, "BENCH_ACK_SECONDS", 60));
  const mode = readChoice(env, "BENCH_TIMER_MODE", ["in-process", "service"], "in-process");
  console.log(`pager escalation-lateness bench (timers: ${mode})`);
  console.log(`machine: ${machineDescription()}; load average at start: ${loadAverage()}`);
  const db = await createBenchDatabase(adminUrl(env));
  let server: ServerProcess | null = null;
  let timer: ServiceProcess | null = null;
  let client: LoadClient | null = null;
  try {
    const pagerPort = await freePort();
    let pagerEnv: Record<string, string> = {};
    if (mode === "service") {
      const started = await startTimerService(db.url, pagerPort);
      timer = started.timer;
      pagerEnv = started.pagerEnv;
    }
    server = await startServerProcess({
      databaseUrl: db.url,
      logLevel: env.BENCH_SERVER_LOG_LEVEL || "warn",
      port: pagerPort,
      env: pagerEnv,
    });
    const calls = new LoadClient(server.address, TEST_KEYS.admin);
    client = calls;
    const { escalationPolicy } = await calls.call(
      EscalationPolicyService.method.createEscalationPolicy,
      {
        name: "lateness",
        levels: [
          { targets: [target.email("first@bench.example.com")], ackTimeout: seconds(ackSeconds) },
          { targets: [target.email("second@bench.example.com")] },
        ],
      },
    );
    const services = await mapConcurrently(
      Array.from({ length: count }, (_, i) => i),
      SETUP_CONCURRENCY,
      async (i) => {
        const { monitoredService } = await calls.call(PagerService.method.createMonitoredService, {
          name: `lateness-${i}`,
          escalationPolicyId: escalationPolicy?.id ?? "",
        });
        return monitoredService?.id ?? "";
      },
    );
    console.log(`setup: ${count} services`);
    // Open loop: alert i goes out at i × spread / count, however slow the answers.
    const started = performance.now();
    const sends: Promise<void>[] = [];
    const failures: string[] = [];
    for (let i = 0; i < services.length; i += 1) {
      const wait = started + (i * spreadMs) / count - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      sends.push(
        calls
          .call(PagerService.method.sendAlert, {
            monitoredServiceId: services[i] ?? "",
            message: "lateness: nobody answers",
          })
          .then(({ outcome }) => {
            if (outcome !== SendAlertOutcome.CREATED) failures.push(`outcome ${outcome}`);
          })
          .catch((error: unknown) => {
            failures.push(error instanceof Error ? error.message : String(error));
          }),
      );
    }
    await Promise.all(sends);
    if (failures.length > 0) {
      throw new Error(`${failures.length} SendAlert calls failed, the first: ${failures[0]}`);
    }
    const sentS = (performance.now() - started) / 1000;
    console.log(
      `sent ${count} alerts in ${fixed(sentS, 1)} s (offered over ${fixed(spreadMs / 1000, 0)} s)`,
    );
    const cpuBefore = readCpuMs(server.pid) ?? 0;
    const firingStarted = performance.now();
    const deadline = Date.now() + ackSeconds * 1000 + spreadMs + 120_000;
    let escalated = 0;
    while (escalated < count && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const [row] = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM alert_events WHERE kind = 'escalated'",
      );
      escalated = row?.n ?? 0;
    }
    const cpuMs = (readCpuMs(server.pid) ?? 0) - cpuBefore;
    const firingS = (performance.now() - firingStarted) / 1000;
    const rows = await db.query<{ alert_id: string; late_ms: number }>(
      `SELECT e.alert_id::text,
              extract(epoch FROM e.create_time - (a.create_time + make_interval(secs => $1))) * 1000
                AS late_ms
         FROM alert_events e JOIN alerts a ON a.id = e.alert_id
        WHERE e.kind = 'escalated'`,
      [ackSeconds],
    );
    const once = new Set(rows.map((row) => row.alert_id)).size;
    const lateness = summarize(rows.map((row) => Number(row.late_ms)));
    console.log(
      `escalated ${rows.length} alerts (${once} distinct) while firing for ${fixed(firingS, 1)} s; ` +
        `server CPU ${fixed(cpuMs / Math.max(1, rows.length), 2)} ms per escalation with its page`,
    );
    console.log(
      `lateness (delay ran out → escalation decided and committed): p50 ${fixed(lateness.p50, 0)} ms, ` +
        `p99 ${fixed(lateness.p99, 0)} ms, max ${fixed(lateness.max, 0)} ms; target p99 ≤ ` +
        `${TARGET_P99_MS} ms: ${lateness.p99 <= TARGET_P99_MS ? "PASS" : "MISS"}`,
    );
    console.log(`load average at end: ${loadAverage()}`);
    if (once !== rows.length) throw new Error("an alert escalated twice");
    if (rows.length !== count) throw new Error(`only ${rows.length} of ${count} alerts escalated`);
    return 0;
  } finally {
    client?.close();
    await server?.stop();
    await timer?.kill();
    await db.drop();
  }
}

runMain(main);
