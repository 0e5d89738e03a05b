import type { BenchDatabase } from "./bench-database.js";
import { type RssSampler, readCpuMs, readCpuMsOfAll, readMachineCpuMs } from "./proc-stats.js";
import type { StatementStats } from "./server-probe.js";
import type { ServerProcess } from "./server-process.js";

/** What the server (and PostgreSQL, and the bench) spent during measured windows. */
export interface Usage {
  wallMs: number;
  serverCpuMs: number;
  pgCpuMs: number;
  benchCpuMs: number;
  machineBusyMs: number;
  machineTotalMs: number;
  peakRssKb: number;
  sql: Map<string, StatementStats>;
  profiles: string[];
}

/** A phase starts from zero and adds up its windows (the ack phase has several). */
export function emptyUsage(): Usage {
  return {
    wallMs: 0,
    serverCpuMs: 0,
    pgCpuMs: 0,
    benchCpuMs: 0,
    machineBusyMs: 0,
    machineTotalMs: 0,
    peakRssKb: 0,
    sql: new Map(),
    profiles: [],
  };
}

/**
 * Measures resource use around a window of load, adding to a phase's {@link Usage},
 * so untimed setup between windows is never charged to the phase.
 */
export class Meter {
  constructor(
    private readonly server: ServerProcess,
    private readonly db: BenchDatabase,
    private readonly sampler: RssSampler,
    private readonly probe: boolean,
  ) {}

  /** Runs `work` and charges what it cost to `usage`; `profile` records a V8 profile of it too. */
  async measure<T>(usage: Usage, profile: boolean, work: () => Promise<T>): Promise<T> {
    this.checkAlive();
    if (this.probe) await this.server.probe({ type: "begin", profile });
    const pgBefore = readCpuMsOfAll(await this.db.backendPids());
    this.sampler.takePhasePeak();
    const serverBefore = readCpuMs(this.server.pid) ?? 0;
    const benchBefore = process.cpuUsage();
    const machineBefore = readMachineCpuMs();
    const started = performance.now();
    const result = await work();
    this.checkAlive();
    usage.wallMs += performance.now() - started;
    const bench = process.cpuUsage(benchBefore);
    usage.benchCpuMs += (bench.user + bench.system) / 1000;
    const machine = readMachineCpuMs();
    usage.machineBusyMs += machine.busyMs - machineBefore.busyMs;
    usage.machineTotalMs += machine.totalMs - machineBefore.totalMs;
    usage.serverCpuMs += (readCpuMs(this.server.pid) ?? 0) - serverBefore;
    usage.peakRssKb = Math.max(usage.peakRssKb, this.sampler.takePhasePeak());
    // Connections opened during the window count from zero.
    for (const [pid, after] of readCpuMsOfAll(await this.db.backendPids())) {
      usage.pgCpuMs += after - (pgBefore.get(pid) ?? 0);
    }
    if (this.probe) {
      const reply = await this.server.probe({ type: "end" });
      if (reply.type === "ended") {
        for (const row of reply.sql ?? []) {
          const entry = usage.sql.get(row.sql) ?? { sql: row.sql, count: 0, totalMs: 0 };
          entry.count += row.count;
          entry.totalMs += row.totalMs;
          usage.sql.set(row.sql, entry);
        }
        if (reply.profilePath !== null) usage.profiles.push(reply.profilePath);
      }
    }
    return result;
  }

  /** A server that died mid-run makes every later figure meaningless: stop there. */
  checkAlive(): void {
    const exit = this.server.unexpectedExit();
    if (exit !== null) throw new Error(`the server ${exit}`);
  }
}
