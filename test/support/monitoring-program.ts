import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";

/** A real monitoring program (Prometheus, Alertmanager) this test run started. */
export interface MonitoringProgram {
  /** Its HTTP address, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Everything it wrote to stdout and stderr so far: its logs. */
  output(): string;
  /** SIGTERM, then waits for it to exit (SIGKILL after a few seconds) and removes its files. */
  stop(): Promise<void>;
}

/** What to start: a Debian-packaged binary, its configuration files, its arguments. */
export interface MonitoringProgramSpec {
  /** The command, found on PATH (`prometheus`, `prometheus-alertmanager`). */
  readonly command: string;
  /** The Debian package that provides it, named when it is missing. */
  readonly debianPackage: string;
  /** Files to write into the program's own temporary directory, by name. */
  readonly files: Readonly<Record<string, string>>;
  /** Its arguments, given that directory. */
  readonly args: (dir: string) => string[];
  /** Where it listens, as `args` says. */
  readonly url: string;
}

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts a monitoring program the way an operator would, but never as a
 * system service: as a child of the test run, on a loopback port, with
 * configuration files generated into a temporary directory of its own. It
 * resolves once `/-/ready` answers 200, and `stop` leaves nothing behind.
 * Any process still running when the test run exits is killed.
 */
export async function startMonitoringProgram(
  spec: MonitoringProgramSpec,
): Promise<MonitoringProgram> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `pager-${spec.command}-`));
  for (const [name, text] of Object.entries(spec.files)) {
    await writeFile(path.join(dir, name), text);
  }
  const child = spawn(spec.command, spec.args(dir), { stdio: ["ignore", "pipe", "pipe"] });
  const chunks: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => chunks.push(chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => chunks.push(chunk.toString("utf8")));
  const spawnFailure = once(child, "spawn").then(
    () => null,
    (error: NodeJS.ErrnoException) => error,
  );
  const exited = once(child, "exit").catch(() => undefined);
  running.add(child);
  void exited.then(() => running.delete(child));
  const output = () => chunks.join("");
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const failed = await spawnFailure;
  if (failed !== null) {
    await rm(dir, { recursive: true, force: true });
    const hint =
      failed.code === "ENOENT"
        ? `; install it: apt-get install -y --no-install-recommends ${spec.debianPackage}`
        : "";
    throw new Error(`${spec.command} could not start: ${failed.message}${hint}`);
  }
  try {
    await waitReady(spec.url, child);
  } catch (error) {
    await stop();
    throw new Error(`${spec.command}: ${(error as Error).message}\n${output()}`);
  }
  return { url: spec.url, output, stop };
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited during start (code ${child.exitCode}, ${child.signalCode})`);
    }
    const ready = await fetch(`${url}/-/ready`).then(
      async (response) => (await response.arrayBuffer()) && response.ok,
      () => false,
    );
    if (ready) return;
    if (Date.now() > deadline) throw new Error("not ready within 30 s");
    await delay(50);
  }
}
