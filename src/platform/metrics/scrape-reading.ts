/**
 * One database reading shared by every series computed at scrape time: the
 * first gauge to ask starts it, the others of the same scrape wait for the
 * same answer, so a scrape costs one query however many series it feeds.
 * A reading that fails or outlasts `timeoutMs` resolves to null instead:
 * while the database is down, `/metrics` must still answer (its RPC and
 * worker series are what shows the outage), so those gauges keep their last
 * value and `onFailure` is told why.
 */
export class ScrapeReading<T> {
  private inflight: Promise<T | null> | undefined;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly timeoutMs: number,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  /** The reading of the scrape under way, starting one when none is. */
  latest(): Promise<T | null> {
    this.inflight ??= this.readOnce().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async readOnce(): Promise<T | null> {
    let timeout: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timeout = setTimeout(
        () => reject(new Error(`the reading took longer than ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    const reading = this.read();
    // Abandoned after its timeout, it must not surface as an unhandled rejection.
    reading.catch(() => {});
    try {
      return await Promise.race([reading, expired]);
    } catch (error) {
      this.onFailure(error);
      return null;
    } finally {
      clearTimeout(timeout);
    }
  }
}
