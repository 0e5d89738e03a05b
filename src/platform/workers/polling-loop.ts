/** What a loop does each round, and when it wants to run again. */
export interface LoopBody {
  /** Does one round of work; returns ms until the next round (0: at once). */
  tick(): Promise<number>;
  /**
   * For a body whose work outlives its round (deliveries left running so a
   * slow one does not hold the others back): called once with a way to ask
   * for a round when that work ends, at once or within `withinMs` (a retry
   * that work scheduled).
   */
  attach?(wake: (withinMs?: number) => void): void;
  /** Waits for the work rounds left running; `stop` waits for it. */
  drain?(): Promise<void>;
}

/**
 * Where the loop reports a failed round; the loop itself carries on. When
 * it has `recovered`, that is called at the first round that works after
 * failed ones, so an outage can be logged as one (see {@link loopOutageLog}).
 */
export type LoopErrorHandler = ((error: unknown) => void) & { readonly recovered?: () => void };

/**
 * Runs a worker round after round: sleeps until the body says, wakes early
 * when told new work exists, survives failing rounds (the database may be
 * restarting) and stops cleanly, waiting for the round in flight and for the
 * work it left running.
 */
export class PollingLoop {
  private timer: NodeJS.Timeout | null = null;
  /** When the scheduled round runs (Date.now() ms), while one is scheduled. */
  private timerAt: number | null = null;
  private running: Promise<void> | null = null;
  /** The latest time the round after the running one may start, when a wake asked for one. */
  private wakeBy: number | null = null;
  private stopped = true;
  /** The last round failed: the next one that works tells the error handler. */
  private failing = false;

  constructor(
    private readonly body: LoopBody,
    private readonly onError: LoopErrorHandler,
    private readonly retryAfterErrorMs = 1000,
  ) {
    body.attach?.((withinMs = 0) => this.wakeWithin(withinMs));
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Runs a round soon; a round already running runs once more when it ends. */
  wake(): void {
    this.wakeWithin(0);
  }

  /**
   * Runs a round within `delayMs` at the latest, sooner if one is planned
   * sooner: for work known to become due later (a timer set for in 300 ms),
   * so the loop neither polls for it nor sleeps past it.
   */
  wakeWithin(delayMs: number): void {
    if (this.stopped) return;
    const at = Date.now() + Math.max(0, delayMs);
    // A round that has not yet planned its successor takes the wake into account when it does.
    if (this.running !== null && this.timerAt === null) {
      this.wakeBy = Math.min(this.wakeBy ?? at, at);
      return;
    }
    if (this.timerAt !== null && this.timerAt <= at) return;
    this.schedule(at - Date.now());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = null;
    await this.running;
    await this.body.drain?.();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = Date.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = null;
      this.running = this.round().finally(() => {
        this.running = null;
      });
    }, delayMs);
  }

  private async round(): Promise<void> {
    this.wakeBy = null;
    let delay: number;
    try {
      delay = await this.body.tick();
      if (this.failing) this.onError.recovered?.();
      this.failing = false;
    } catch (error) {
      this.failing = true;
      this.onError(error);
      delay = this.retryAfterErrorMs;
    }
    const wokenIn = this.wakeBy === null ? delay : this.wakeBy - Date.now();
    this.wakeBy = null;
    this.schedule(Math.max(0, Math.min(delay, wokenIn)));
  }
}
