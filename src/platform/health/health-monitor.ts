import type { HealthStatus, HealthStatusSource } from "./health-service.js";

/** How a {@link HealthMonitor} probes. */
export interface HealthMonitorOptions {
  /** Resolves when a dependency we cannot page without (the database) answers. */
  probe: () => Promise<void>;
  /** Full names of the served services; `""` (the whole server) is always known. */
  services: Iterable<string>;
  /** Pause between the end of one probe and the start of the next, while serving. Default 2000. */
  intervalMs?: number;
  /**
   * The same pause while NOT_SERVING. Default 200: once the database is back,
   * health must say so as soon as calls succeed again, or load balancers keep
   * the process out of rotation for a whole interval for nothing.
   */
  recoveryIntervalMs?: number;
  /** A probe slower than this counts as failed. Default 1000. */
  timeoutMs?: number;
  /** Told why a probe failed, so the caller can log it; the monitor has no logger. */
  onProbeFailure?: (error: unknown) => void;
}

/**
 * Health from a background probe: Check and Watch read a cached verdict, so a
 * load balancer polling often costs nothing, and a stuck database turns the
 * server NOT_SERVING within one interval plus one timeout. While NOT_SERVING
 * it probes every `recoveryIntervalMs`, so it is SERVING again within a
 * fraction of a second of the database coming back.
 *
 * Starts NOT_SERVING: the process is not trusted with pages before the first
 * probe succeeds.
 */
export class HealthMonitor implements HealthStatusSource {
  private readonly probe: () => Promise<void>;
  private readonly known: ReadonlySet<string>;
  private readonly intervalMs: number;
  private readonly recoveryIntervalMs: number;
  private readonly timeoutMs: number;
  private readonly onProbeFailure: (error: unknown) => void;
  private readonly listeners = new Set<() => void>();
  private serving = false;
  private running = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | undefined;

  constructor(options: HealthMonitorOptions) {
    this.probe = options.probe;
    this.known = new Set(["", ...options.services]);
    this.intervalMs = options.intervalMs ?? 2000;
    this.recoveryIntervalMs = options.recoveryIntervalMs ?? 200;
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.onProbeFailure = options.onProbeFailure ?? (() => {});
  }

  current(service: string): HealthStatus {
    if (!this.known.has(service)) {
      return "UNKNOWN_SERVICE";
    }
    return this.serving ? "SERVING" : "NOT_SERVING";
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  services(): Iterable<string> {
    return this.known;
  }

  /**
   * Probes now and then every interval, in the background, so start-up is not
   * held up by a slow database. Await {@link checkNow} to wait for a verdict.
   */
  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.stopped = false;
    void this.checkNow();
  }

  /**
   * Stops probing and reports NOT_SERVING: a monitor that no longer probes
   * cannot vouch for anything, and clients watching health during shutdown
   * should drain. Clears every timer so the process can exit.
   */
  stop(): void {
    this.running = false;
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.set(false);
  }

  /**
   * Probes now instead of waiting for the next tick (one probe at a time);
   * useful after a reconnect, and in tests that must not sleep.
   */
  checkNow(): Promise<void> {
    this.inflight ??= this.runProbe().finally(() => {
      this.inflight = undefined;
      this.schedule();
    });
    return this.inflight;
  }

  private async runProbe(): Promise<void> {
    let timeout: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timeout = setTimeout(
        () => reject(new Error(`health probe took longer than ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    const probing = this.probe();
    // A probe abandoned after its timeout must not surface as an unhandled rejection.
    probing.catch(() => {});
    try {
      await Promise.race([probing, expired]);
      // A probe that outlives stop() must not revive the status.
      if (!this.stopped) {
        this.set(true);
      }
    } catch (error) {
      this.onProbeFailure(error);
      this.set(false);
    } finally {
      clearTimeout(timeout);
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.running) {
      return;
    }
    this.timer = setTimeout(
      () => {
        void this.checkNow();
      },
      this.serving ? this.intervalMs : this.recoveryIntervalMs,
    );
    // Probing alone must never keep the process alive.
    this.timer.unref();
  }

  private set(serving: boolean): void {
    if (this.serving === serving) {
      return;
    }
    this.serving = serving;
    for (const listener of [...this.listeners]) {
      listener();
    }
  }
}
