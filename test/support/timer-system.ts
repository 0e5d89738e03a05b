import { fromBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import type pg from "pg";
import { EscalationPolicyService } from "../../gen/pager/v1/escalation_policy_pb.js";
import {
  type AcknowledgementTimeoutOutcome,
  HandleAcknowledgementTimeoutRequestSchema,
  HandleAcknowledgementTimeoutResponseSchema,
  PagerService,
} from "../../gen/pager/v1/pager_service_pb.js";
import { assertionPool } from "./assertion-pool.js";
import { type CallbackServer, forwardTo, startCallbackServer } from "./callback-server.js";
import { freePort } from "./free-port.js";
import { GrpcTestClient } from "./grpc-client.js";
import { seconds, target, uniqueName } from "./pager-fixtures.js";
import { type ServiceProcess, startServiceProcess } from "./service-process.js";
import type { TestCertificates } from "./test-certificates.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";
import { TEST_KEYS, testPagerEnv } from "./test-keys.js";

/** The fully qualified timer callback method of the pager. */
export const TIMEOUT_METHOD = `${PagerService.typeName}/${PagerService.method.handleAcknowledgementTimeout.name}`;

/** What the pager's own callbacks carry: its timer-role key (PAGER_TIMER_CALLBACK_KEY). */
export const CALLBACK_METADATA = { authorization: `Bearer ${TEST_KEYS.timerCallback}` };

/** One timer callback the pager received through the proxy, decoded. */
export interface SeenCallback {
  readonly alertId: string;
  readonly level: number;
  /** The pager's outcome; undefined while unanswered or when it failed. */
  readonly outcome: AcknowledgementTimeoutOutcome | undefined;
  readonly atMs: number;
}

/**
 * Pager and timer service as separate processes on one PostgreSQL, as the
 * README runs them, with a recording proxy between the timer service and
 * the pager: the timer service calls the proxy (the only endpoint on its
 * allow-list), the proxy passes each call on to the pager and keeps the
 * pager's answer, so a test can see every callback and its outcome without
 * calling HandleAcknowledgementTimeout itself.
 */
export class TimerSystem {
  readonly client: GrpcTestClient;
  readonly timers: GrpcTestClient;
  /** The pager's own host:port, also on the timer services' allow-list. */
  readonly pagerEndpoint: string;
  pager: ServiceProcess | null = null;
  readonly replicas: (ServiceProcess | null)[] = [];
  /** How the test's clients connect: cleartext, or mutual TLS with the test CA's client certificate. */
  private readonly credentials: grpc.ChannelCredentials;

  private constructor(
    readonly db: TestDatabase,
    readonly sql: pg.Pool,
    readonly proxy: CallbackServer,
    private readonly forwarder: { close(): void },
    private readonly gate: { open: Promise<void> },
    private readonly pagerPort: number,
    private readonly timerPorts: number[],
    private readonly pagerEnv: Record<string, string>,
    private readonly timerEnv: Record<string, string>,
    private readonly tls: TestCertificates | null,
  ) {
    this.pagerEndpoint = `127.0.0.1:${pagerPort}`;
    this.credentials =
      tls === null
        ? grpc.credentials.createInsecure()
        : grpc.credentials.createSsl(tls.ca.cert, tls.client.key, tls.client.cert);
    this.client = new GrpcTestClient(this.pagerEndpoint, TEST_KEYS.admin, this.credentials);
    this.timers = new GrpcTestClient(
      `127.0.0.1:${timerPorts[0]}`,
      TEST_KEYS.timerService,
      this.credentials,
    );
  }

  /**
   * A fresh database, ports for the pager and `replicas` timer services, and
   * the proxy; nothing started. With `tls`, every port serves mutual TLS
   * with its certificates, each program trusts the test CA for the other,
   * and callbacks go straight to the pager (the proxy speaks cleartext).
   */
  static async create(options: {
    replicas?: number;
    pagerEnv?: Record<string, string>;
    timerEnv?: Record<string, string>;
    tls?: TestCertificates;
  }): Promise<TimerSystem> {
    const db = await createTestDatabase();
    const pagerPort = await freePort();
    const timerPorts = await Promise.all(
      Array.from({ length: options.replicas ?? 1 }, () => freePort()),
    );
    const forwarder = forwardTo(`127.0.0.1:${pagerPort}`);
    const gate = { open: Promise.resolve() };
    const proxy = await startCallbackServer([TIMEOUT_METHOD], async (request, method, metadata) => {
      await gate.open;
      return forwarder.handle(request, method, metadata);
    });
    return new TimerSystem(
      db,
      assertionPool(db.url),
      proxy,
      forwarder,
      gate,
      pagerPort,
      timerPorts,
      options.pagerEnv ?? {},
      options.timerEnv ?? {},
      options.tls ?? null,
    );
  }

  /** Starts (or restarts) the pager, on its port, with an external timer service. */
  async startPager(): Promise<ServiceProcess> {
    this.pager = await startServiceProcess(
      "test/support/pager-main.ts",
      {
        DATABASE_URL: this.db.url,
        PAGER_PORT: String(this.pagerPort),
        PAGER_TIMER_URL: `http://127.0.0.1:${this.timerPorts[0]}`,
        PAGER_TIMER_CALLBACK_URL: `http://${this.proxy.endpoint}`,
        PAGER_WEBHOOK_DELIVERY: "off",
        PAGER_LOG_LEVEL: "warn",
        PAGER_TIMER_API_KEY: TEST_KEYS.timerService,
        ...testPagerEnv(),
        ...this.pagerTlsEnv(),
        ...this.pagerEnv,
      },
      `127.0.0.1:${this.pagerPort}`,
      { credentials: this.credentials },
    );
    return this.pager;
  }

  /** Starts (or restarts) timer service replica `index`, on its port. */
  async startTimer(index = 0): Promise<ServiceProcess> {
    const port = this.timerPorts[index];
    if (port === undefined) throw new Error(`no replica ${index}`);
    const replica = await startServiceProcess(
      "test/support/timer-main.ts",
      {
        DATABASE_URL: this.db.url,
        TIMER_PORT: String(port),
        TIMER_CALLBACK_ALLOWLIST: [this.proxy.endpoint, this.pagerEndpoint]
          .map((endpoint) => `${endpoint}/${TIMEOUT_METHOD}`)
          .join(","),
        TIMER_API_KEYS: TEST_KEYS.timerService,
        TIMER_LEASE_MS: "2000",
        TIMER_CALLBACK_DEADLINE_MS: "1500",
        TIMER_RETRY_BASE_MS: "200",
        TIMER_RETRY_MAX_MS: "1000",
        TIMER_LOG_LEVEL: "warn",
        ...this.timerTlsEnv(),
        ...this.timerEnv,
      },
      `127.0.0.1:${port}`,
      { credentials: this.credentials },
    );
    this.replicas[index] = replica;
    return replica;
  }

  /** The pager's side of mutual TLS, as an operator would set it; none without certificates. */
  private pagerTlsEnv(): Record<string, string> {
    if (this.tls === null) return {};
    const { ca, server } = this.tls;
    return {
      PAGER_TLS_CERT: server.certPath,
      PAGER_TLS_KEY: server.keyPath,
      PAGER_TLS_CLIENT_CA: ca.certPath,
      PAGER_TIMER_URL: `https://127.0.0.1:${this.timerPorts[0]}`,
      PAGER_TIMER_CA: ca.certPath,
      PAGER_TIMER_CLIENT_CERT: server.certPath,
      PAGER_TIMER_CLIENT_KEY: server.keyPath,
      PAGER_TIMER_CALLBACK_URL: `https://${this.pagerEndpoint}`,
    };
  }

  /** The timer service's side of mutual TLS, serving and calling back; none without certificates. */
  private timerTlsEnv(): Record<string, string> {
    if (this.tls === null) return {};
    const { ca, server } = this.tls;
    return {
      TIMER_TLS_CERT: server.certPath,
      TIMER_TLS_KEY: server.keyPath,
      TIMER_TLS_CLIENT_CA: ca.certPath,
      TIMER_CALLBACK_CA: ca.certPath,
      TIMER_CALLBACK_CLIENT_CERT: server.certPath,
      TIMER_CALLBACK_CLIENT_KEY: server.keyPath,
    };
  }

  /**
   * Holds callbacks at the proxy, unanswered, until the returned function is
   * called: the timer service then has them in flight, claimed, and a kill
   * lands while they are due. Held calls go on to the pager when released,
   * even if their caller died meanwhile, as a callee that answered too late.
   */
  holdCallbacks(): () => void {
    let release: () => void = () => {};
    this.gate.open = new Promise((resolve) => {
      release = resolve;
    });
    return () => {
      this.gate.open = Promise.resolve();
      release();
    };
  }

  /** Every callback the pager got, optionally of one alert, in arrival order. */
  callbacks(alertId?: string): SeenCallback[] {
    return this.proxy.received
      .map((call) => {
        const request = fromBinary(HandleAcknowledgementTimeoutRequestSchema, call.request);
        const outcome =
          call.response === undefined
            ? undefined
            : fromBinary(HandleAcknowledgementTimeoutResponseSchema, call.response).outcome;
        return { alertId: request.alertId, level: request.level, outcome, atMs: call.atMs };
      })
      .filter((seen) => alertId === undefined || seen.alertId === alertId);
  }

  /** A healthy service on a new policy: one email target per level, with these delays. */
  async serviceWithDelays(delaysSeconds: readonly number[]): Promise<string> {
    const tag = uniqueName("p");
    const { escalationPolicy } = await this.client.call(
      EscalationPolicyService.method.createEscalationPolicy,
      {
        name: tag,
        levels: delaysSeconds.map((delay, level) => ({
          targets: [target.email(`${tag}-${level}@example.com`)],
          ackTimeout: seconds(delay),
        })),
      },
    );
    const { monitoredService } = await this.client.call(
      PagerService.method.createMonitoredService,
      { name: uniqueName("svc"), escalationPolicyId: escalationPolicy?.id ?? "" },
    );
    return monitoredService?.id ?? "";
  }

  /** Sends an alert for the service; resolves with the alert id. */
  async alert(serviceId: string): Promise<string> {
    const { alert } = await this.client.call(PagerService.method.sendAlert, {
      monitoredServiceId: serviceId,
      message: "disk full",
    });
    return alert?.id ?? "";
  }

  /** The level of each page queued for an alert, sorted: "paged once per level" compares these. */
  async pagedLevels(alertId: string): Promise<number[]> {
    const { rows } = await this.sql.query<{ level: number }>(
      "SELECT level FROM notifications WHERE alert_id = $1 ORDER BY level",
      [alertId],
    );
    return rows.map((row) => row.level);
  }

  /** SIGKILLs what still runs (a graceful stop is not what these tests are about), drops the database. */
  async stop(): Promise<void> {
    this.client.close();
    this.timers.close();
    const running = [this.pager, ...this.replicas];
    await Promise.all(running.map((process) => process?.kill("SIGKILL")));
    this.forwarder.close();
    await this.proxy.close();
    await this.sql.end();
    await this.db.drop();
  }
}
