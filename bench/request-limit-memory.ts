import { startPagerProcess } from "../test/support/pager-process.js";
import { gzipBomb, rawGrpcPost } from "../test/support/raw-grpc.js";
import { createTestDatabase } from "../test/support/test-database.js";
import { readPositive } from "./lib/env-settings.js";
import { readMemoryKb } from "./lib/proc-stats.js";

/**
 * `npm run bench:limits`: what a gzip bomb costs the
 * pager's memory. BENCH_BOMBS (3) gRPC frames, each gzipped zeros inflating
 * to BENCH_BOMB_MIB (256) MiB, are sent to Health/Check of a pager in its
 * own process, once with the default PAGER_MAX_REQUEST_BYTES (1 MiB) and
 * once with it at Connect's own default (4 GiB: inflated whole, as before
 * there was a limit). Prints the server's RSS (VmRSS) before and after and
 * its peak (VmHWM), and the answer it gave. Target: < 50 MB growth with the
 * limit.
 *
 * Environment: DATABASE_URL (a server where a throwaway database is
 * created; unset: embedded PostgreSQL).
 */

const MiB = 1024 * 1024;
const bombs = readPositive(process.env, "BENCH_BOMBS", 3, { integer: true });
const inflatedMiB = readPositive(process.env, "BENCH_BOMB_MIB", 256, { integer: true });

const LIMITS: { label: string; env: Record<string, string> }[] = [
  { label: "PAGER_MAX_REQUEST_BYTES default (1 MiB)", env: {} },
  {
    label: "PAGER_MAX_REQUEST_BYTES=4294967295 (no real limit)",
    env: { PAGER_MAX_REQUEST_BYTES: "4294967295" },
  },
];

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const frame = gzipBomb(inflatedMiB * MiB);
  console.log(
    `${bombs} gzip frame(s) of ${(frame.length / 1024).toFixed(0)} KiB inflating to ${inflatedMiB} MiB each`,
  );
  try {
    for (const limit of LIMITS) {
      const pager = await startPagerProcess({
        DATABASE_URL: db.url,
        PAGER_TIMER_WORKER: "off",
        PAGER_DISPATCHER: "off",
        ...limit.env,
      });
      try {
        const before = readMemoryKb(pager.pid);
        let answer = "";
        for (let i = 0; i < bombs; i++) {
          const { status, message } = await rawGrpcPost(
            pager.address,
            "/grpc.health.v1.Health/Check",
            frame,
            {
              "grpc-encoding": "gzip",
            },
          );
          answer = `grpc-status ${status}: ${message.slice(0, 80)}`;
        }
        const after = readMemoryKb(pager.pid);
        if (before === null || after === null) throw new Error("the pager exited");
        const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
        console.log(`\n${limit.label}`);
        console.log(`  answer:     ${answer}`);
        console.log(
          `  RSS:        ${mb(before.rssKb)} → ${mb(after.rssKb)} (+${mb(after.rssKb - before.rssKb)})`,
        );
        console.log(
          `  peak (HWM): ${mb(before.hwmKb)} → ${mb(after.hwmKb)} (+${mb(after.hwmKb - Math.max(before.hwmKb, before.rssKb))})`,
        );
      } finally {
        await pager.stop();
      }
    }
  } finally {
    await db.drop();
  }
}

await main();
