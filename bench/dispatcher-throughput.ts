import { EscalationPolicyService } from "../gen/pager/v1/escalation_policy_pb.js";
import { PagerService, SendAlertOutcome } from "../gen/pager/v1/pager_service_pb.js";
import type { ReceivedRequest } from "../test/support/fake-http-provider.js";
import { FakeTwilio } from "../test/support/fake-twilio.js";
import { FakeWebhookReceiver } from "../test/support/fake-webhook-receiver.js";
import { mapConcurrently } from "../test/support/map-concurrently.js";
import { target } from "../test/support/pager-fixtures.js";
import { TEST_KEYS } from "../test/support/test-keys.js";
import { type BenchDatabase, createBenchDatabase } from "./lib/bench-database.js";
import { summarizeProfiles } from "./lib/cpu-profile-summary.js";
import { adminUrl, readChoice, readPositive } from "./lib/env-settings.js";
import { LoadClient } from "./lib/grpc-load-client.js";
import { type LatencySummary, summarize } from "./lib/latency-stats.js";
import { readCpuMs } from "./lib/proc-stats.js";
import type { ProbeReply } from "./lib/server-probe.js";
import { type ServerProcess, startServerProcess } from "./lib/server-process.js";

/**
 * `npm run bench:dispatcher`: how fast the outbox reaches a provider, with
 * the pager in its own process and a fake provider (webhook receiver or
 * Twilio API, real HTTP on loopback) in this one.
 *
 * 1. drain: a backlog of BENCH_BACKLOG pages is queued while no dispatcher
 *    runs, then a server with its dispatcher on starts: pages/s from the
 *    first page received to the last is the dispatcher's top speed.
 * 2. sustained: alerts arrive at a steady BENCH_RATE pages/s for
 *    BENCH_SECONDS; for each page, the delay from its escalation's commit
 *    to the moment the provider received it, p50/p99/max, bounded from
 *    above by the row's create_time (written in the transaction) and from
 *    below by the SendAlert answer (sent after the commit). When SendAlert
 *    cannot commit pages as fast as offered, the rate reached is reported.
 *
 * Targets (a 2-core machine): ≥ 500 pages/s, p99 ≤ 1 s at 500 pages/s. A
 * missed target is reported, not a failure; lost or doubled pages are.
 * Environment: DATABASE_URL (server for a throwaway database), BENCH_RATE,
 * BENCH_SECONDS, BENCH_TARGETS (targets per level, one page each),
 * BENCH_BACKLOG, BENCH_CHANNEL (webhook | sms), BENCH_SERVER_LOG_LEVEL,
 * BENCH_CPU_PROF=drain|sustained (V8 profile of the server during that
 * phase; the drain's first pages go out while the server is still starting)
 * and with it BENCH_PROBE_SQL=1 (statements and their time in that phase).
 */

const TARGET_RATE = 500;
const TARGET_P99_MS = 1000;
const SETUP_CONCURRENCY = 32;
const SECRET = "bench-secret";

interface Settings {
  readonly adminUrl: string;
  readonly rate: number;
  readonly seconds: number;
  readonly targets: number;
  readonly backlog: number;
  readonly channel: "webhook" | "sms";
  readonly serverLogLevel: string;
  readonly profile: "drain" | "sustained" | null;
}

function readSettings(env: NodeJS.ProcessEnv): Settings {
  const positive = (name: string, fallback: number) =>
    readPositive(env, name, fallback, { integer: true });
  return {
    adminUrl: adminUrl(env),
    rate: positive("BENCH_RATE", TARGET_RATE),
    seconds: positive("BENCH_SECONDS", 10),
    targets: positive("BENCH_TARGETS", 5),
    backlog: positive("BENCH_BACKLOG", 5000),
    channel: readChoice(env, "BENCH_CHANNEL", ["webhook", "sms"], "webhook"),
    serverLogLevel: env.BENCH_SERVER_LOG_LEVEL || "warn",
    profile: readChoice(env, "BENCH_CPU_PROF", ["drain", "sustained"], null),
  };
}

/** The fake provider and how to read a received request as "(alert, target) arrived". */
interface Provider {
  readonly env: Record<string, string>;
  readonly targets: ReturnType<typeof target.sms>[];
  readonly received: ReceivedRequest[];
  /** `${alert id} ${target_key}` of a received page, as the notifications table spells it. */
  keyOf(request: ReceivedRequest): string;
  close(): Promise<void>;
}

async function startProvider(settings: Settings): Promise<Provider> {
  const indexes = Array.from({ length: settings.targets }, (_, i) => i);
  if (settings.channel === "sms") {
    const twilio = await FakeTwilio.start();
    return {
      env: { ...twilio.env(), PAGER_WEBHOOK_DELIVERY: "off" },
      targets: indexes.map((i) => target.sms(`+1555000${String(i).padStart(4, "0")}`)),
      received: twilio.http.delivered,
      keyOf: (request) => {
        const form = new URLSearchParams(request.body);
        const alertId = /\(alert ([0-9a-f-]{36}),/.exec(form.get("Body") ?? "")?.[1];
        return `${alertId} sms:${form.get("To")}`;
      },
      close: () => twilio.http.close(),
    };
  }
  const hooks = await FakeWebhookReceiver.start(SECRET);
  return {
    env: { PAGER_WEBHOOK_DELIVERY: "on", PAGER_WEBHOOK_SECRET: SECRET },
    targets: indexes.map((i) => target.webhook(hooks.url(`hook-${i}`))),
    received: hooks.http.delivered,
    keyOf: (request) => {
      const { alert_id } = JSON.parse(request.body) as { alert_id: string };
      return `${alert_id} webhook:${hooks.http.url}${request.path}`;
    },
    close: () => hooks.http.close(),
  };
}

/** Healthy services on one policy whose level 0 pages every target of the provider. */
async function createServices(client: LoadClient, provider: Provider, count: number) {
  const { escalationPolicy } = await client.call(
    EscalationPolicyService.method.createEscalationPolicy,
    { name: "bench", levels: [{ targets: provider.targets }] },
  );
  return mapConcurrently(
    Array.from({ length: count }, (_, i) => i),
    SETUP_CONCURRENCY,
    async (i) => {
      const { monitoredService } = await client.call(PagerService.method.createMonitoredService, {
        name: `bench-${i}`,
        escalationPolicyId: escalationPolicy?.id ?? "",
      });
      return monitoredService?.id ?? "";
    },
  );
}

/** Sends one alert; resolves with its id. */
async function sendAlert(client: LoadClient, serviceId: string): Promise<string> {
  const { outcome, alert } = await client.call(PagerService.method.sendAlert, {
    monitoredServiceId: serviceId,
    message: "bench: p99 latency above 2s",
  });
  if (outcome !== SendAlertOutcome.CREATED) throw new Error(`SendAlert: ${outcome}`);
  return alert?.id ?? "";
}

/** Resolves once `expected` pages arrived; rejects if that takes longer than `timeoutMs`. */
async function received(provider: Provider, expected: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (provider.received.length < expected) {
    if (Date.now() > deadline) {
      throw new Error(`only ${provider.received.length} of ${expected} pages arrived`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Pages per second between the first and the last receipt of `requests`. */
function rateOf(requests: readonly ReceivedRequest[]): number {
  const times = requests.map((r) => r.receivedAt);
  const span = (Math.max(...times) - Math.min(...times)) / 1000;
  return requests.length / span;
}

/** When the bench sent an alert and when the SendAlert answer (after the commit) came back. */
interface SentAlert {
  readonly sentAt: number;
  readonly answeredAt: number;
}

/** Per page, ms from its row's create_time and from its alert's SendAlert answer to receipt. */
interface PageDelays {
  readonly fromCreate: number[];
  readonly fromAnswer: number[];
  /** The pages' create_time, ms since the epoch. */
  readonly created: number[];
}

/**
 * The delays of every page received, checking that none arrived twice or
 * without having been queued. The commit lies between create_time (written in
 * the transaction) and the answer (sent after it): the two delays bound
 * commit-to-receipt from above and below.
 */
async function pageDelays(
  db: BenchDatabase,
  provider: Provider,
  requests: readonly ReceivedRequest[],
  alerts: ReadonlyMap<string, SentAlert>,
): Promise<PageDelays> {
  const rows = await db.query<{ key: string; created: Date }>(
    "SELECT alert_id || ' ' || target_key AS key, create_time AS created FROM notifications",
  );
  const created = new Map(rows.map((row) => [row.key, row.created.getTime()]));
  const seen = new Set<string>();
  const delays: PageDelays = { fromCreate: [], fromAnswer: [], created: [] };
  for (const request of requests) {
    const key = provider.keyOf(request);
    if (seen.has(key)) throw new Error(`page received twice: ${key}`);
    seen.add(key);
    const at = created.get(key);
    if (at === undefined) throw new Error(`received a page that was never queued: ${key}`);
    delays.fromCreate.push(request.receivedAt - at);
    delays.created.push(at);
    const answered = alerts.get(key.split(" ")[0] ?? "")?.answeredAt;
    if (answered !== undefined) delays.fromAnswer.push(request.receivedAt - answered);
  }
  return delays;
}

/** What one run works with: its settings, database, provider and the servers it started. */
interface Run {
  readonly settings: Settings;
  readonly db: BenchDatabase;
  readonly provider: Provider;
  /** Starts a pager process on the run's database, pointed at the provider. */
  start(env: Record<string, string>, probe?: boolean): Promise<ServerProcess>;
}

/**
 * Setup through a server that does not dispatch: every service, and the
 * backlog's alerts (their pages wait in the outbox). Returns the services
 * left for the sustained phase.
 */
async function queueBacklog(run: Run, backlogAlerts: number, sustainedAlerts: number) {
  const quiet = await run.start({ PAGER_DISPATCHER: "off" });
  const client = new LoadClient(quiet.address, TEST_KEYS.admin);
  const services = await createServices(client, run.provider, backlogAlerts + sustainedAlerts);
  const queueing = performance.now();
  await mapConcurrently(services.slice(0, backlogAlerts), SETUP_CONCURRENCY, (id) =>
    sendAlert(client, id),
  );
  const queuedIn = (performance.now() - queueing) / 1000;
  console.log(
    `backlog queued by ${backlogAlerts} SendAlert (${SETUP_CONCURRENCY} at a time, no ` +
      `dispatcher) in ${queuedIn.toFixed(1)} s: ${(backlogAlerts / queuedIn).toFixed(0)} alerts/s`,
  );
  client.close();
  await quiet.stop();
  return services.slice(backlogAlerts);
}

/** Phase 1: a dispatching server starts on the backlog; pages/s from first to last receipt. */
async function drain(run: Run, server: ServerProcess, backlog: number) {
  if (run.settings.profile === "drain") await server.probe({ type: "begin", profile: true });
  await received(run.provider, backlog, 120_000);
  const pages = run.provider.received.slice(0, backlog);
  const reply = run.settings.profile === "drain" ? await server.probe({ type: "end" }) : null;
  return { pages, rate: rateOf(pages), reply };
}

/**
 * Phase 2: alerts at a steady rate, open loop (a slow server does not slow
 * the offer), until every page arrived.
 */
async function sustain(
  run: Run,
  server: ServerProcess,
  services: readonly string[],
  backlog: number,
) {
  const { settings } = run;
  const alertsPerSecond = settings.rate / settings.targets;
  const client = new LoadClient(server.address, TEST_KEYS.admin);
  const cpuBefore = readCpuMs(server.pid) ?? 0;
  if (settings.profile === "sustained") await server.probe({ type: "begin", profile: true });
  const started = performance.now();
  const startedAt = Date.now();
  const alerts = new Map<string, SentAlert>();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < services.length; i += 1) {
    const wait = started + (i * 1000) / alertsPerSecond - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const sentAt = Date.now();
    sends.push(
      sendAlert(client, services[i] ?? "").then((id) => {
        alerts.set(id, { sentAt, answeredAt: Date.now() });
      }),
    );
  }
  // The offer: pages per second of alerts sent, whatever the server made of them.
  const offeredSeconds = (performance.now() - started) / 1000;
  await Promise.all(sends);
  await received(run.provider, backlog + services.length * settings.targets, 60_000);
  const cpuMs = (readCpuMs(server.pid) ?? 0) - cpuBefore;
  const wallMs = performance.now() - started;
  const reply = settings.profile === "sustained" ? await server.probe({ type: "end" }) : null;
  client.close();
  const offered = (services.length * settings.targets) / offeredSeconds;
  return { alerts, startedAt, offered, cpuMs, wallMs, reply };
}

function latencyRow(label: string, summary: LatencySummary): string {
  const ms = (value: number) => value.toFixed(0).padStart(7);
  return `${label.padEnd(40)}${ms(summary.p50)}${ms(summary.p99)}${ms(summary.max)}`;
}

/** The figures of both phases and the verdict on the targets. */
async function report(
  run: Run,
  drained: Awaited<ReturnType<typeof drain>>,
  sustained: Awaited<ReturnType<typeof sustain>>,
) {
  const { db, provider } = run;
  const { alerts } = sustained;
  await pageDelays(db, provider, drained.pages, alerts);
  const steady = provider.received.slice(drained.pages.length);
  const delays = await pageDelays(db, provider, steady, alerts);
  const fromCreate = summarize(delays.fromCreate);
  const lastReceipt = Math.max(...steady.map((request) => request.receivedAt));
  const delivered = steady.length / ((lastReceipt - sustained.startedAt) / 1000);
  // What reached the outbox: SendAlert may commit slower than the bench offers.
  const committed =
    steady.length / ((Math.max(...delays.created) - Math.min(...delays.created)) / 1000);
  console.log(`\ndrain:     ${drained.pages.length} pages at ${drained.rate.toFixed(0)} pages/s`);
  console.log(
    `sustained: ${steady.length} pages offered at ${sustained.offered.toFixed(0)}/s, committed at ` +
      `${committed.toFixed(0)}/s, delivered at ${delivered.toFixed(0)}/s ` +
      `(first alert to last receipt); ` +
      `server CPU ${((sustained.cpuMs / sustained.wallMs) * 100).toFixed(0)}% ` +
      `of one core, ${(sustained.cpuMs / steady.length).toFixed(2)} ms per page with its SendAlert`,
  );
  console.log(`\n${"sustained, ms".padEnd(40)}    p50    p99    max`);
  const calls = summarize([...alerts.values()].map((a) => a.answeredAt - a.sentAt));
  console.log(latencyRow("SendAlert call (bench side)", calls));
  console.log(latencyRow("create_time → receipt (≥ commit→receipt)", fromCreate));
  console.log(latencyRow("SendAlert answer → receipt (≤ c→r)", summarize(delays.fromAnswer)));
  console.log(`\nevery page received exactly once (${provider.received.length} pages)`);
  const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
  const atRate = committed >= 0.95 * TARGET_RATE;
  console.log(
    `targets: drain ≥ ${TARGET_RATE}/s ${verdict(drained.rate >= TARGET_RATE)}; ` +
      `p99 commit→receipt ≤ ${TARGET_P99_MS} ms at ${TARGET_RATE}/s ` +
      (atRate
        ? verdict(fromCreate.p99 <= TARGET_P99_MS)
        : `not measured: pages were committed at only ${committed.toFixed(0)}/s ` +
          `(the SendAlert path's limit here), p99 ${fromCreate.p99.toFixed(0)} ms at that rate`),
  );
}

/** BENCH_CPU_PROF: the statements and the CPU profile of the phase it names. */
function printServerInsight(phase: string, reply: ProbeReply | null): void {
  if (reply?.type !== "ended") return;
  if (reply.sql !== null) {
    console.log(`\nSQL during ${phase} (BENCH_PROBE_SQL=1): count, total ms, statement`);
    for (const row of reply.sql.slice(0, 15)) {
      console.log(
        `${String(row.count).padStart(7)} ${row.totalMs.toFixed(0).padStart(7)}  ${row.sql}`,
      );
    }
  }
  if (reply.profilePath !== null) {
    const summary = summarizeProfiles([reply.profilePath], 15);
    console.log(`\nserver CPU profile (${phase}), busy ${summary.busyMs.toFixed(0)} ms:`);
    for (const group of summary.blamed) {
      console.log(`  ${group.ms.toFixed(0).padStart(6)} ms  ${group.name}`);
    }
  }
}

async function main(): Promise<void> {
  const settings = readSettings(process.env);
  const backlogAlerts = Math.ceil(settings.backlog / settings.targets);
  const sustainedAlerts = Math.round((settings.rate / settings.targets) * settings.seconds);
  const db = await createBenchDatabase(settings.adminUrl);
  const provider = await startProvider(settings);
  const servers: ServerProcess[] = [];
  const run: Run = {
    settings,
    db,
    provider,
    start: async (env, probe = false) => {
      const server = await startServerProcess({
        databaseUrl: db.url,
        logLevel: settings.serverLogLevel,
        probe,
        env: { ...provider.env, PAGER_TIMER_WORKER: "off", ...env },
      });
      servers.push(server);
      return server;
    },
  };
  try {
    console.log(
      `channel ${settings.channel}, ${settings.targets} targets per alert; ` +
        `backlog ${backlogAlerts * settings.targets} pages; sustained ${settings.rate} pages/s ` +
        `(${settings.rate / settings.targets} alerts/s) for ${settings.seconds} s`,
    );
    const services = await queueBacklog(run, backlogAlerts, sustainedAlerts);
    const server = await run.start({}, settings.profile !== null);
    const drained = await drain(run, server, backlogAlerts * settings.targets);
    const sustained = await sustain(run, server, services, drained.pages.length);
    await report(run, drained, sustained);
    printServerInsight(settings.profile ?? "", sustained.reply ?? drained.reply);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await provider.close();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
