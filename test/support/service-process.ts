import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import type * as grpc from "@grpc/grpc-js";
import { Health, HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { GrpcTestClient } from "./grpc-client.js";

/**
 * The two programs of the project: `npm start` and `npm run timer`, each
 * through an entry file whose command line a stray `pkill -f src/pager/main.ts`
 * does not match.
 */
export type Program = "test/support/pager-main.ts" | "test/support/timer-main.ts";

/** A program running in a child process, with what it logged. */
export interface ServiceProcess {
  readonly address: string;
  readonly pid: number;
  /** Every JSON log line so far, parsed. */
  logs(): Record<string, unknown>[];
  /** Sends `signal` and waits for the exit; SIGKILL is the crash the tests are about. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts a program as a real process (`node --import tsx <program>`) and
 * resolves once its health check at `address` answers SERVING, so tests see
 * exactly what an operator runs. It gets `env` and none of this process's
 * PAGER_* and TIMER_* settings; `address` must match the port in `env`, so
 * a killed process can be started again where its peers expect it; a
 * program serving TLS needs the `credentials` to check its health with. Every
 * process started here is SIGKILLed if the test run exits without stopping it.
 * `options.cwd`: the checkout to run it from (default: this one).
 */
export async function startServiceProcess(
  program: Program,
  env: Record<string, string>,
  address: string,
  options: { cwd?: string; credentials?: grpc.ChannelCredentials } = {},
): Promise<ServiceProcess> {
  const inherited = Object.entries(process.env).filter(
    ([name]) => !name.startsWith("PAGER_") && !name.startsWith("TIMER_"),
  );
  const child = spawn(process.execPath, ["--import", "tsx", program], {
    env: { ...Object.fromEntries(inherited), ...env },
    stdio: ["ignore", "pipe", "pipe"],
    cwd: options.cwd,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${program}`);
  running.add(child);
  const exited = once(child, "exit");
  void exited.then(() => running.delete(child));
  const lines: Record<string, unknown>[] = [];
  const text: string[] = [];
  let partial = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    const parts = (partial + chunk.toString("utf8")).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) lines.push(parseLine(line));
  });
  child.stderr?.on("data", (chunk: Buffer) => text.push(chunk.toString("utf8")));
  const kill = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await exited;
    }
  };
  try {
    await waitServing(address, child, options.credentials);
  } catch (error) {
    await kill("SIGKILL");
    const output = [...lines.map((l) => JSON.stringify(l)), ...text].join("\n");
    throw new Error(`${program}: ${(error as Error).message}\n${output}`);
  }
  return { address, pid, logs: () => lines, kill };
}

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

function parseLine(line: string): Record<string, unknown> {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { msg: line };
  }
}

/**
 * Polls health with a fresh client each time: one client kept across a
 * refused connection would wait out grpc-js's growing reconnect backoff.
 */
async function waitServing(
  address: string,
  child: ChildProcess,
  credentials: grpc.ChannelCredentials | undefined,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited during start (code ${child.exitCode}, ${child.signalCode})`);
    }
    const client = new GrpcTestClient(address, null, credentials);
    const status = await client
      .call(Health.method.check, { service: "" })
      .then((r) => r.status)
      .catch(() => null)
      .finally(() => client.close());
    if (status === HealthCheckResponse_ServingStatus.SERVING) return;
    if (Date.now() > deadline) throw new Error("not SERVING within 60 s");
    await delay(100);
  }
}
