import { EscalationPolicyService } from "../gen/pager/v1/escalation_policy_pb.js";
import { PagerService, SendAlertOutcome } from "../gen/pager/v1/pager_service_pb.js";
import { FakeWebhookReceiver } from "../test/support/fake-webhook-receiver.js";
import { mapConcurrently } from "../test/support/map-concurrently.js";
import { target } from "../test/support/pager-fixtures.js";
import { TEST_KEYS } from "../test/support/test-keys.js";
import { createBenchDatabase } from "./lib/bench-database.js";
import { adminUrl, readPositive } from "./lib/env-settings.js";
import { LoadClient } from "./lib/grpc-load-client.js";
import { summarize } from "./lib/latency-stats.js";
import { loadAverage, machineDescription } from "./lib/machine.js";
import { MemoryBreakdownSampler } from "./lib/memory-breakdown.js";
import { RssSampler, readCpuMs, readMemoryKb } from "./lib/proc-stats.js";
import { runMain } from "./lib/run-main.js";
import { freePort, type ServerProcess, startServerProcess } from "./lib/server-process.js";
import { fixed } from "./lib/text-table.js";

/**
 * `npm run bench:storm`: a data centre goes dark. BENCH_STORM_ALERTS healthy
 * services (10,000) each get one alert, sent by BENCH_STORM_CLIENTS workers
 * (64) as fast as they go, while the server dispatches; level 0 of their
 * policy pages one webhook at a local receiver. Prints how fast the alerts
 * were accepted, when the last page arrived after the first alert, that no
 * page arrived twice, and the server's peak RSS, against the targets: every
 * page within 15 s, server RSS ≤ 200 MB. A missed target is a finding; a
 * lost or doubled page fails the run.
 *
 * Environment: DATABASE_URL (server for a throwaway database),
 * BENCH_STORM_ALERTS, BENCH_STORM_CLIENTS, BENCH_SERVER_LOG_LEVEL (warn).
 */

const TARGET_LAST_PAGE_S = 15;
const TARGET_RSS_MB = 200;
const SECRET = "bench-secret";
const SETUP_CONCURRENCY = 32;
/** Workers sharing one HTTP/2 connection, as in the other benches. */
const WORKERS_PER_CHANNEL = 8;

async function main(): Promise<number> {
  const env = process.env;
  const alerts = Math.floor(readPositive(env, "BENCH_STORM_ALERTS", 10_000));
  const clients = Math.floor(readPositive(env, "BENCH_STORM_CLIENTS", 64));
  console.log("pager alert-storm bench");
  console.log(`machine: ${machineDescription()}; load average at start: ${loadAverage()}`);
  const db = await createBenchDatabase(adminUrl(env));
  const hooks = await FakeWebhookReceiver.start(SECRET);
  let server: ServerProcess | null = null;
  const channels: LoadClient[] = [];
  try {
    const metricsPort = await freePort();
    server = await startServerProcess({
      databaseUrl: db.url,
      logLevel: env.BENCH_SERVER_LOG_LEVEL || "warn",
      env: {
        PAGER_WEBHOOK_DELIVERY: "on",
        PAGER_WEBHOOK_SECRET: SECRET,
        PAGER_METRICS_PORT: String(metricsPort),
      },
    });
    const memory = new MemoryBreakdownSampler(`http://127.0.0.1:${metricsPort}/metrics`);
    for (let i = 0; i < Math.ceil(clients / WORKERS_PER_CHANNEL); i += 1) {
      channels.push(new LoadClient(server.address, TEST_KEYS.admin));
    }
    const [setup] = channels;
    if (setup === undefined) throw new Error("no channel");
    const { escalationPolicy } = await setup.call(
      EscalationPolicyService.method.createEscalationPolicy,
      { name: "storm", levels: [{ targets: [target.webhook(hooks.url("page"))] }] },
    );
    const services = await mapConcurrently(
      Array.from({ length: alerts }, (_, i) => i),
      SETUP_CONCURRENCY,
      async (i) => {
        const { monitoredService } = await setup.call(PagerService.method.createMonitoredService, {
          name: `storm-${i}`,
          escalationPolicyId: escalationPolicy?.id ?? "",
        });
        return monitoredService?.id ?? "";
      },
    );
    const rssAfterSetup = (readMemoryKb(server.pid)?.rssKb ?? 0) / 1024;
    console.log(`setup: ${alerts} services; server RSS ${fixed(rssAfterSetup, 1)} MB`);

    const sampler = new RssSampler(server.pid, 50);
    sampler.start();
    memory.start();
    const cpuBefore = readCpuMs(server.pid) ?? 0;
    const latencies: number[] = [];
    const firstAlertAt = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: clients }, async (_, worker) => {
        const client = channels[Math.floor(worker / WORKERS_PER_CHANNEL)] ?? setup;
        for (let i = next++; i < services.length; i = next++) {
          const started = performance.now();
          const { outcome } = await client.call(PagerService.method.sendAlert, {
            monitoredServiceId: services[i] ?? "",
            message: "storm: data centre unreachable",
          });
          if (outcome !== SendAlertOutcome.CREATED) throw new Error(`SendAlert: ${outcome}`);
          latencies.push(performance.now() - started);
        }
      }),
    );
    const acceptedS = (Date.now() - firstAlertAt) / 1000;
    const deadline = Date.now() + 120_000;
    while (hooks.http.delivered.length < alerts && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const cpuMs = (readCpuMs(server.pid) ?? 0) - cpuBefore;
    sampler.stop();
    const atPeak = await memory.stop();
    const pages = hooks.http.delivered;
    const lastPageS = (Math.max(...pages.map((p) => p.receivedAt)) - firstAlertAt) / 1000;
    const alertIds = pages.map((p) => (JSON.parse(p.body) as { alert_id: string }).alert_id);
    const distinct = new Set(alertIds).size;
    const rssMb = Math.max(sampler.overallPeakKb, readMemoryKb(server.pid)?.hwmKb ?? 0) / 1024;
    const call = summarize(latencies);
    console.log(
      `accepted ${alerts} alerts from ${clients} clients in ${fixed(acceptedS, 2)} s ` +
        `(${fixed(alerts / acceptedS, 0)} alerts/s); SendAlert p50 ${fixed(call.p50, 1)} ms, ` +
        `p99 ${fixed(call.p99, 1)} ms, max ${fixed(call.max, 1)} ms`,
    );
    console.log(
      `pages received: ${pages.length} (${distinct} distinct alerts); last page ` +
        `${fixed(lastPageS, 2)} s after the first alert; server CPU ${fixed(cpuMs / alerts, 2)} ms ` +
        "per alert with its page",
    );
    const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
    console.log(
      `targets: every level-0 page within ${TARGET_LAST_PAGE_S} s: ${fixed(lastPageS, 2)} s ` +
        `${verdict(pages.length === alerts && lastPageS <= TARGET_LAST_PAGE_S)}; server peak RSS ` +
        `≤ ${TARGET_RSS_MB} MB: ${fixed(rssMb, 1)} MB ${verdict(rssMb <= TARGET_RSS_MB)}`,
    );
    if (atPeak !== null) {
      console.log(
        `server memory at its highest sampled RSS (${fixed(atPeak.rssMb, 1)} MB): V8 heap used ` +
          `${fixed(atPeak.heapUsedMb, 1)} MB of ${fixed(atPeak.heapTotalMb, 1)} MB reserved, ` +
          `external (Buffers) ${fixed(atPeak.externalMb, 1)} MB`,
      );
    }
    console.log(`load average at end: ${loadAverage()}`);
    if (distinct !== pages.length) throw new Error("a page arrived twice");
    if (pages.length !== alerts) throw new Error(`only ${pages.length} of ${alerts} pages arrived`);
    return 0;
  } finally {
    for (const channel of channels) channel.close();
    await server?.stop();
    await hooks.http.close();
    await db.drop();
  }
}

runMain(main);
