/** What a loop does each round, and when it wants to run again. */
export interface LoopBody {
  /** Does one round of work; returns ms until the next round (0: at once). */
  tick(): Promise<number>;
}

/** Where the loop reports a failed round; the loop itself carries on. */
export type LoopErrorHandler = (error: unknown) => void;

/**
 * Runs a worker round after round: sleeps until the body says, wakes early
 * when told new work exists, survives failing rounds (the database may be
 * restarting) and stops cleanly, waiting for the round in flight.
 */
export class PollingLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private wakeRequested = false;
  private stopped = true;

  constructor(
    private readonly body: LoopBody,
    private readonly onError: LoopErrorHandler,
    private readonly retryAfterErrorMs = 1000,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Runs a round soon; a round already running runs once more when it ends. */
  wake(): void {
    if (this.stopped) return;
    if (this.running !== null) {
      this.wakeRequested = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.round().finally(() => {
        this.running = null;
      });
    }, delayMs);
  }

  private async round(): Promise<void> {
    this.wakeRequested = false;
    let delay: number;
    try {
      delay = await this.body.tick();
    } catch (error) {
      this.onError(error);
      delay = this.retryAfterErrorMs;
    }
    this.schedule(this.wakeRequested ? 0 : Math.max(0, delay));
  }
}
