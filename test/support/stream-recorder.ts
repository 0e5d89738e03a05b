import type * as grpc from "@grpc/grpc-js";

/** How a recorded stream ended: "ok", or the gRPC status code name or number and message. */
export interface StreamEnd {
  readonly code: number | string;
  readonly message: string;
}

/**
 * Keeps every message a server stream delivers, in order, and how it ended,
 * so a test can wait for what it expects and then look at everything that
 * came, duplicates included. Works for grpc-js streams and Connect clients.
 */
export class StreamRecorder<T> {
  readonly messages: T[] = [];
  readonly ended: Promise<StreamEnd>;
  private endedWith: StreamEnd | null = null;
  private waiters: (() => void)[] = [];

  private constructor(start: (push: (message: T) => void) => Promise<StreamEnd>) {
    this.ended = start((message) => {
      this.messages.push(message);
      this.notify();
    }).then((end) => {
      this.endedWith = end;
      this.notify();
      return end;
    });
  }

  /** Records a grpc-js stream; its end is the status the server sent (0 is OK). */
  static grpc<T>(stream: grpc.ClientReadableStream<T>): StreamRecorder<T> {
    return new StreamRecorder<T>(
      (push) =>
        new Promise((resolve) => {
          stream.on("data", push);
          stream.on("error", (error: grpc.ServiceError) =>
            resolve({ code: error.code, message: error.details }),
          );
          stream.on("status", (status: grpc.StatusObject) => {
            if (status.code === 0) resolve({ code: 0, message: "" });
          });
        }),
    );
  }

  /** Records a Connect client's stream; its end is "ok" or the ConnectError's code. */
  static connect<T>(messages: AsyncIterable<T>): StreamRecorder<T> {
    return new StreamRecorder<T>(async (push) => {
      try {
        for await (const message of messages) push(message);
        return { code: "ok", message: "" };
      } catch (error) {
        const { code, rawMessage, message } = error as {
          code?: number;
          rawMessage?: string;
          message: string;
        };
        return { code: code ?? "unknown", message: rawMessage ?? message };
      }
    });
  }

  /** Resolves with the first message from index `from` on that passes `test`; rejects after `timeoutMs`. */
  async waitFor(test: (message: T) => boolean, timeoutMs = 5000, from = 0): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(test);
      if (found !== undefined) return found;
      if (this.endedWith !== null) {
        throw new Error(`stream ended (${JSON.stringify(this.endedWith)}) before the message came`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no such message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
