import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import {
  type EmbeddedDatabase,
  startEmbeddedDatabase,
} from "../../src/platform/embedded-postgres/embedded-database.js";

/**
 * An embedded PostgreSQL that belongs to one test, which may stop and start
 * it like an operator restarting the database: same data, same port, same
 * URL. Tests that take a database down use this, never a shared server.
 */
export class RestartableDatabase {
  private constructor(
    private readonly dir: string,
    private running: EmbeddedDatabase | null,
    readonly url: string,
  ) {}

  static async start(): Promise<RestartableDatabase> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "pager-restart-"));
    // mkdtemp makes it 0700; the server runs as the `postgres` user when we are root.
    await chmod(dir, 0o755);
    try {
      const database = await startEmbeddedDatabase({ dataDir: path.join(dir, "data") });
      return new RestartableDatabase(dir, database, database.url);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Shuts the server down (fast shutdown: sessions are terminated with 57P01)
   * and waits until the postmaster has removed its lock file, as it does last:
   * a start before that would find the old server still holding the directory.
   */
  async stop(): Promise<void> {
    const running = this.running;
    this.running = null;
    await running?.stop();
    const lockFile = path.join(this.dir, "data", "postmaster.pid");
    for (let waitedMs = 0; existsSync(lockFile); waitedMs += 50) {
      if (waitedMs > 30_000) throw new Error(`${lockFile} is still there 30 s after the stop`);
      await delay(50);
    }
  }

  /** Starts it again on the same port; resolves once it accepts connections. */
  async restart(): Promise<void> {
    if (this.running !== null) return;
    this.running = await startEmbeddedDatabase({
      dataDir: path.join(this.dir, "data"),
      port: Number(new URL(this.url).port),
    });
  }

  /** Stops it for good and removes its files. */
  async drop(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
