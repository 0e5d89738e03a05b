/**
 * Where a server's resident memory goes, from its own Prometheus metrics
 * (prom-client's default set): sampled while a bench runs, the sample taken at
 * the highest RSS says whether the peak is V8 heap in use, heap reserved but
 * free (garbage not yet collected), or memory outside the heap (Buffers,
 * sockets, native code).
 */
export interface MemorySample {
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  readonly externalMb: number;
}

const NAMES = {
  rssMb: "process_resident_memory_bytes",
  heapUsedMb: "nodejs_heap_size_used_bytes",
  heapTotalMb: "nodejs_heap_size_total_bytes",
  externalMb: "nodejs_external_memory_bytes",
} as const;

/** Polls `url` (a `/metrics` open without a key) and keeps the sample of the highest RSS. */
export class MemoryBreakdownSampler {
  private peak: MemorySample | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = false;

  constructor(
    private readonly url: string,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
  }

  async stop(): Promise<MemorySample | null> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.sample();
    return this.peak;
  }

  private async sample(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      const text = await (await fetch(this.url)).text();
      const read = (name: string) => {
        const line = text.split("\n").find((l) => l.startsWith(`${name} `));
        return Number(line?.split(" ")[1] ?? Number.NaN) / 1024 / 1024;
      };
      const sample: MemorySample = {
        rssMb: read(NAMES.rssMb),
        heapUsedMb: read(NAMES.heapUsedMb),
        heapTotalMb: read(NAMES.heapTotalMb),
        externalMb: read(NAMES.externalMb),
      };
      if (this.peak === null || sample.rssMb > this.peak.rssMb) this.peak = sample;
    } catch {
      // A missed scrape (server busy or stopping) only thins the samples.
    } finally {
      this.inFlight = false;
    }
  }
}
