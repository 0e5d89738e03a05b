import pg from "pg";

/** The channel SetTimer notifies with the new timer's fire time (epoch ms). */
export const DUE_CHANNEL = "timer_due";

const RECONNECT_DELAY_MS = 1000;

/** Where the listener reports a lost connection; a pino logger fits. */
export interface ListenerLog {
  warn(fields: object, message: string): void;
}

/**
 * LISTEN on the due channel, so that a replica sleeping until its next known
 * timer learns at once that another replica stored an earlier one. Without
 * it a new timer would wait for the next idle poll. The connection is its
 * own (a pooled one cannot stay in LISTEN), and comes back by itself after a
 * database restart; after each (re)connect `onDue` is told "now", since
 * notifications sent while it was away are lost.
 */
export class DueTimeListener {
  private client: pg.Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly onDue: (fireTime: Date) => void,
    private readonly log: ListenerLog,
  ) {}

  /** Resolves once listening, or once the first attempt failed (it keeps trying). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: "timer-listen" });
    client.on("notification", (message) => {
      const ms = Number(message.payload);
      if (Number.isFinite(ms)) this.onDue(new Date(ms));
    });
    client.on("error", (err) => this.lost(client, err));
    client.on("end", () => this.lost(client, new Error("connection ended")));
    try {
      await client.connect();
      await client.query(`LISTEN ${DUE_CHANNEL}`);
    } catch (err) {
      this.lost(client, err);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.onDue(new Date(0));
  }

  private lost(client: pg.Client, err: unknown): void {
    if (this.stopped || this.retry !== null) return;
    if (this.client !== null && this.client !== client) return;
    this.client = null;
    client.end().catch(() => {});
    this.log.warn({ err }, "lost the timer_due listener connection; reconnecting");
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, RECONNECT_DELAY_MS);
  }
}
