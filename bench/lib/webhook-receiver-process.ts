import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { FakeWebhookReceiver } from "../../test/support/fake-webhook-receiver.js";

/** What the receiver's process tells the bench. */
type ReceiverReply =
  | { type: "ready"; url: string }
  | { type: "count"; received: number; distinct: number };

/** A webhook receiver in a process of its own, and what it has accepted. */
export interface ReceiverProcess {
  /** The URL to page. */
  readonly url: string;
  /** Webhooks accepted so far, and how many distinct notifications they were. */
  count(): Promise<{ received: number; distinct: number }>;
  stop(): Promise<void>;
}

/**
 * Starts a {@link FakeWebhookReceiver} (checking the HMAC signature with
 * `secret`) in a child process, so the work of receiving a thousand pages a
 * second neither delays the bench's own event loop, which times every call,
 * nor fills its heap: a provider is another program.
 */
export async function startReceiverProcess(secret: string): Promise<ReceiverProcess> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, BENCH_RECEIVER_SECRET: secret },
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  // The child answers in order: each reply settles the oldest question.
  const waiting: { resolve: (reply: ReceiverReply) => void; reject: (error: Error) => void }[] = [];
  child.on("message", (reply) => waiting.shift()?.resolve(reply as ReceiverReply));
  child.once("exit", (code) => {
    for (const { reject } of waiting.splice(0)) {
      reject(new Error(`the webhook receiver exited (code ${code})`));
    }
  });
  const ask = (request: string | null) =>
    new Promise<ReceiverReply>((resolve, reject) => {
      waiting.push({ resolve, reject });
      if (request !== null) child.send(request);
    });
  const ready = await ask(null);
  if (ready.type !== "ready") throw new Error("the webhook receiver did not start");
  return {
    url: ready.url,
    async count() {
      const reply = await ask("count");
      if (reply.type !== "count") throw new Error("the webhook receiver did not count");
      return { received: reply.received, distinct: reply.distinct };
    },
    stop: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** The child: serves until told to stop, answering counts over IPC. */
async function serveReceiver(secret: string): Promise<void> {
  const receiver = await FakeWebhookReceiver.start(secret);
  process.on("message", (request) => {
    if (request !== "count") return;
    const keys = new Set(receiver.received.map((hook) => hook.idempotencyKey));
    process.send?.({ type: "count", received: receiver.received.length, distinct: keys.size });
  });
  process.once("SIGTERM", () => {
    receiver.http.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  process.send?.({ type: "ready", url: receiver.url("page") });
}

const secret = process.env.BENCH_RECEIVER_SECRET;
if (secret !== undefined && process.send !== undefined) {
  serveReceiver(secret).catch((error: unknown) => {
    console.error("webhook receiver:", error);
    process.exit(1);
  });
}
