import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { Health, HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { TEST_KEYS } from "../../test/support/test-keys.js";
import { LoadClient } from "./grpc-load-client.js";
import type { ProbeReply, ProbeRequest } from "./server-probe.js";

/**
 * The pager under test in its own process, running exactly what `npm start`
 * runs: the compiled `dist/src/pager/main.js`, built first. The child's pid IS the
 * server, so /proc figures (RSS, CPU) are the server's and not a wrapper's.
 * With the SQL/CPU probe the server also loads tsx (the probe is TypeScript),
 * which costs some memory: compare RSS only between runs without the probe.
 */
export interface ServerProcess {
  readonly pid: number;
  readonly address: string;
  /** Asks the preloaded server-probe something; rejects when the server runs without it. */
  probe(request: ProbeRequest): Promise<ProbeReply>;
  /** The last lines the server wrote, for error messages. */
  output(): string;
  /** How the server ended if it ended on its own (not by {@link stop}); null while it runs. */
  unexpectedExit(): string | null;
  /** SIGTERM, then waits for exit (SIGKILL after `graceMs`); resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/** How to start the server. */
export interface ServerProcessOptions {
  readonly databaseUrl: string;
  readonly logLevel: string;
  /** Preloads bench/lib/server-probe.ts and opens the IPC channel it listens on. */
  readonly probe?: boolean;
  /** Extra environment for the server. */
  readonly env?: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
  /** The port to listen on, when something must know it beforehand; default a free one. */
  readonly port?: number;
}

/** A port nobody listens on right now (the usual small race is acceptable for a bench). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts src/pager/main.ts and resolves once Health/Check answers SERVING. */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  execFileSync("npm", ["run", "--silent", "build"], { stdio: "inherit" });
  const port = options.port ?? (await freePort());
  const address = `127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [
      ...startNodeFlags(),
      ...(options.probe ? ["--import", "tsx", "--import", "./bench/lib/server-probe.ts"] : []),
      "dist/src/pager/main.js",
    ],
    {
      env: {
        ...process.env,
        // The bench measures the server, not the per-key rate limit it would hit.
        PAGER_RATE_LIMIT_PER_SECOND: "1000000",
        PAGER_RATE_LIMIT_BURST: "1000000",
        // The bench's webhook receivers listen on loopback.
        PAGER_WEBHOOK_ALLOWED_HOSTS: "127.0.0.1",
        // A database copied from a template with a year of history is measured as it is,
        // not while retention deletes three quarters of it in the background.
        PAGER_RETENTION: process.env.PAGER_RETENTION ?? "3650d",
        ...options.env,
        PAGER_ADMIN_KEY: TEST_KEYS.admin,
        PAGER_HOST: "127.0.0.1",
        PAGER_PORT: String(port),
        DATABASE_URL: options.databaseUrl,
        PAGER_LOG_LEVEL: options.logLevel,
      },
      stdio: options.probe ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
    },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not spawn the pager server");
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 40));
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let stopping = false;
  let unexpected: string | null = null;
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code, signal) => {
      if (!stopping) {
        unexpected = `exited on its own at ${new Date().toISOString()} (code ${code}, signal ${signal})`;
      }
      resolve(code ?? (signal === null ? null : 128));
    });
  });
  const output = () => tail.join("\n");

  try {
    await waitServing(address, child, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    throw new Error(`${(error as Error).message}\n--- server output ---\n${output()}`);
  }

  return {
    pid,
    address,
    probe: (request) => askProbe(child, request),
    output,
    unexpectedExit: () => unexpected,
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      stopping = true;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * The node flags `npm start` runs the pager with (package.json's `start`
 * script, between `node` and the entry point): the bench measures the
 * server as it is started, V8 heap settings included.
 */
function startNodeFlags(): string[] {
  const manifest = JSON.parse(readFileSync("package.json", "utf8")) as {
    scripts: Record<string, string>;
  };
  const words = (manifest.scripts.start ?? "").split(/\s+/);
  const flags = words.slice(1, words.indexOf("dist/src/pager/main.js"));
  if (words[0] !== "node" || flags.some((flag) => !flag.startsWith("--"))) {
    throw new Error(`cannot read the node flags of the start script: ${manifest.scripts.start}`);
  }
  return flags;
}

/** One request at a time: the probe answers in order and carries no ids. */
let probeQueue: Promise<unknown> = Promise.resolve();

function askProbe(child: ChildProcess, request: ProbeRequest): Promise<ProbeReply> {
  const ask = () =>
    new Promise<ProbeReply>((resolve, reject) => {
      if (child.send === undefined || !child.connected) {
        reject(new Error("the server runs without bench/lib/server-probe.ts"));
        return;
      }
      const timer = setTimeout(() => {
        child.off("message", onMessage);
        reject(new Error(`server-probe did not answer ${request.type}`));
      }, 30_000);
      const onMessage = (reply: ProbeReply) => {
        clearTimeout(timer);
        child.off("message", onMessage);
        resolve(reply);
      };
      child.on("message", onMessage);
      child.send(request);
    });
  const answer = probeQueue.then(ask, ask);
  probeQueue = answer.catch(() => {});
  return answer;
}

async function waitServing(address: string, child: ChildProcess, timeoutMs: number) {
  const client = new LoadClient(address, null);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`the pager server exited during start (code ${child.exitCode})`);
      }
      try {
        const response = await client.call(Health.method.check, { service: "" }, 1000);
        if (response.status === HealthCheckResponse_ServingStatus.SERVING) return;
      } catch {
        // Not listening yet, or not serving yet: try again.
      }
      if (Date.now() > deadline) {
        throw new Error(`the pager server was not SERVING within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    client.close();
  }
}
