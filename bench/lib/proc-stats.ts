import { readFileSync } from "node:fs";

/**
 * Reads what the kernel knows about another process (/proc, Linux only), so
 * the bench can report the server's memory and CPU without instrumenting the
 * server: the numbers are those an operator's `ps` or cgroup would show.
 */

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux we run. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Resident and peak-resident memory of a process, in kB; null once it is gone. */
export function readMemoryKb(pid: number): { rssKb: number; hwmKb: number } | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return null;
  }
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, "m").exec(status);
    return match ? Number(match[1]) : 0;
  };
  return { rssKb: field("VmRSS"), hwmKb: field("VmHWM") };
}

/** User + system CPU time a process has used so far, in ms; null once it is gone. */
export function readCpuMs(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces: count fields after its ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Summed CPU ms of several processes; those already gone count as 0. */
export function readCpuMsOfAll(pids: Iterable<number>): Map<number, number> {
  const result = new Map<number, number>();
  for (const pid of pids) result.set(pid, readCpuMs(pid) ?? 0);
  return result;
}

/**
 * Samples a process's RSS on an interval and keeps the peak, overall and
 * since the last {@link takePhasePeak}, so each phase can report its own.
 */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  private peakKb = 0;
  private phasePeakKb = 0;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Peak RSS seen since the previous call, in kB, and starts a new phase. */
  takePhasePeak(): number {
    this.sample();
    const peak = this.phasePeakKb;
    this.phasePeakKb = 0;
    return peak;
  }

  get overallPeakKb(): number {
    return this.peakKb;
  }

  private sample(): void {
    const memory = readMemoryKb(this.pid);
    if (memory === null) return;
    this.peakKb = Math.max(this.peakKb, memory.rssKb);
    this.phasePeakKb = Math.max(this.phasePeakKb, memory.rssKb);
  }
}

/**
 * Busy and total CPU time of the whole machine so far, in ms summed over all
 * cores (/proc/stat "cpu" line), so a window can tell whether the box itself
 * was saturated, e.g. by other work sharing it.
 */
export function readMachineCpuMs(): { busyMs: number; totalMs: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  // user nice system idle iowait irq softirq steal
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  const toMs = (t: number) => (t * 1000) / CLOCK_TICKS_PER_SECOND;
  return { busyMs: toMs(total - idle), totalMs: toMs(total) };
}
