import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { getHeapSpaceStatistics } from "node:v8";
import pg from "pg";

/**
 * Preloaded into the server under test (`node --import tsx --import
 * ./bench/lib/server-probe.ts dist/src/pager/main.js`) only when the bench is asked for SQL
 * counts or a CPU profile, so a plain run measures an uninstrumented server.
 * It lets the bench look inside the server without touching src/ and without
 * `log_statement` or pg_stat_statements on a shared PostgreSQL:
 *
 * - BENCH_PROBE_SQL=1: counts every statement the pg driver sends and the
 *   time until its result came back, per statement text;
 * - on request, runs the V8 sampling profiler for one measured window only
 *   (unlike `--cpu-prof`, which would include start-up and setup).
 *
 * The bench drives it over the IPC channel: `{ type: "begin", profile }`
 * resets the counters (and starts the profiler), `{ type: "end" }` answers
 * with the counts since `begin` and the path of the written profile;
 * `{ type: "heap" }` forces a full GC and answers with memory figures
 * before and after it (what RSS is made of: live heap, garbage, the rest).
 */

/** One statement shape and what it cost within a window. */
export interface StatementStats {
  sql: string;
  count: number;
  totalMs: number;
}

/** What the bench sends. */
export type ProbeRequest = { type: "begin"; profile: boolean } | { type: "end" } | { type: "heap" };

/** What the probe answers. */
export type ProbeReply =
  | { type: "begun" }
  | {
      type: "ended";
      sql: StatementStats[] | null;
      profilePath: string | null;
    }
  | { type: "heap"; before: NodeJS.MemoryUsage; afterGc: NodeJS.MemoryUsage; spaces: HeapSpace[] };

/** Live bytes of one V8 heap space after a full GC. */
export interface HeapSpace {
  name: string;
  usedBytes: number;
  sizeBytes: number;
}

const countSql = process.env.BENCH_PROBE_SQL === "1";
const profileDir = process.env.BENCH_PROFILE_DIR ?? ".";
let stats = new Map<string, StatementStats>();
let session: Session | null = null;
let windows = 0;

/** One key per statement shape: whitespace collapsed, long texts cut. */
function keyOf(query: unknown): string {
  const text =
    typeof query === "string"
      ? query
      : typeof query === "object" && query !== null && "text" in query
        ? String((query as { text: unknown }).text)
        : "<other>";
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}

function record(sql: string, started: number): void {
  let entry = stats.get(sql);
  if (entry === undefined) {
    entry = { sql, count: 0, totalMs: 0 };
    stats.set(sql, entry);
  }
  entry.count += 1;
  entry.totalMs += performance.now() - started;
}

if (countSql) {
  type QueryFn = (this: pg.Client, ...args: unknown[]) => unknown;
  const prototype = pg.Client.prototype as unknown as { query: QueryFn };
  const original = prototype.query;
  prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
    const sql = keyOf(args[0]);
    const started = performance.now();
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === "function") {
      args[last] = (...results: unknown[]) => {
        record(sql, started);
        return (callback as (...a: unknown[]) => unknown)(...results);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result instanceof Promise) {
      const done = () => record(sql, started);
      result.then(done, done);
    }
    return result;
  };
}

/** Forces a full GC (through the inspector, no --expose-gc needed) to tell live data from garbage. */
async function heap(): Promise<ProbeReply> {
  const before = process.memoryUsage();
  const gcSession = new Session();
  gcSession.connect();
  try {
    await gcSession.post("HeapProfiler.collectGarbage");
  } finally {
    gcSession.disconnect();
  }
  const spaces = getHeapSpaceStatistics().map((space) => ({
    name: space.space_name,
    usedBytes: space.space_used_size,
    sizeBytes: space.space_size,
  }));
  return { type: "heap", before, afterGc: process.memoryUsage(), spaces };
}

async function handle(request: ProbeRequest): Promise<ProbeReply> {
  if (request.type === "heap") return heap();
  if (request.type === "begin") {
    stats = new Map();
    if (request.profile) {
      session = new Session();
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.setSamplingInterval", { interval: 200 });
      await session.post("Profiler.start");
    }
    return { type: "begun" };
  }
  const sql = countSql ? [...stats.values()] : null;
  stats = new Map();
  let profilePath: string | null = null;
  if (session !== null) {
    const { profile } = await session.post("Profiler.stop");
    session.disconnect();
    session = null;
    windows += 1;
    profilePath = join(profileDir, `server-${process.pid}-${windows}.cpuprofile`);
    writeFileSync(profilePath, JSON.stringify(profile));
  }
  return { type: "ended", sql, profilePath };
}

if (process.send !== undefined) {
  // The channel must not keep the server alive: shutdown relies on an empty event loop.
  process.channel?.unref();
  process.on("message", (message: ProbeRequest) => {
    handle(message).then(
      (reply) => process.send?.(reply),
      (error: unknown) => console.error("server-probe:", error),
    );
  });
}
