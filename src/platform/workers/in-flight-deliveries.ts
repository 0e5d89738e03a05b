/**
 * Deliveries that outlive the worker round that claimed them, up to a bound.
 * The notification dispatcher and the timer service both keep claiming while
 * a slow provider or callee answers, never hold more than `maxInFlight`, and
 * wait for what is in flight when they stop; this is that bookkeeping, once.
 */
export class InFlightDeliveries {
  private readonly running = new Set<Promise<void>>();

  /**
   * @param onError A delivery whose outcome could not be recorded; its lease brings it back.
   * @param onSettled A delivery ended; `wasFull` says the bound had stopped claiming.
   */
  constructor(
    private readonly maxInFlight: number,
    private readonly onError: (error: unknown) => void,
    private readonly onSettled: (wasFull: boolean) => void,
  ) {}

  /** How many more may be claimed this round: at most `batchSize`, 0 or less when full. */
  room(batchSize: number): number {
    return Math.min(batchSize, this.maxInFlight - this.running.size);
  }

  track(delivery: Promise<void>): void {
    const tracked = delivery.catch(this.onError).finally(() => {
      const wasFull = this.running.size >= this.maxInFlight;
      this.running.delete(tracked);
      this.onSettled(wasFull);
    });
    this.running.add(tracked);
  }

  /** Resolves once every delivery in flight has ended, however it ended. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }
}
