import * as grpc from "@grpc/grpc-js";

/** One call the server received, in arrival order, and how it was answered. */
export interface ReceivedCall {
  readonly method: string;
  readonly request: Buffer;
  /** The metadata the call carried, e.g. its `authorization`. */
  readonly metadata: Readonly<Record<string, string>>;
  /** performance.timeOrigin + performance.now() at arrival, in ms. */
  readonly atMs: number;
  /** The response sent, once answered OK. */
  response?: Buffer;
  /** The status code sent, once answered with an error. */
  errorCode?: grpc.status;
}

/**
 * Answers a call: resolves with the response bytes, or rejects with
 * `{ code, details }` (a grpc-js status) to fail it.
 */
export type CallHandler = (
  request: Buffer,
  method: string,
  metadata: grpc.Metadata,
) => Promise<Buffer> | Buffer;

/** A gRPC server that takes whatever bytes it is sent; see {@link startCallbackServer}. */
export interface CallbackServer {
  readonly endpoint: string;
  readonly received: readonly ReceivedCall[];
  close(): Promise<void>;
}

/**
 * A callee for timer callbacks: a bare grpc-js server that records every
 * call to `methods` (fully qualified, `pkg.Service/Method`) with its arrival
 * time and raw request, then lets `handle` answer. It needs no schema, like
 * the timer service itself, so a test can play any callee: one that is slow,
 * fails, or stands between the timer service and the pager.
 */
export async function startCallbackServer(
  methods: readonly string[],
  handle: CallHandler = () => Buffer.alloc(0),
): Promise<CallbackServer> {
  const received: ReceivedCall[] = [];
  const server = new grpc.Server();
  const definition: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const method of methods) {
    definition[method] = {
      path: `/${method}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (bytes: Buffer) => bytes,
      requestDeserialize: (bytes: Buffer) => bytes,
      responseSerialize: (bytes: Buffer) => bytes,
      responseDeserialize: (bytes: Buffer) => bytes,
    };
    implementation[method] = (
      call: grpc.ServerUnaryCall<Buffer, Buffer>,
      callback: grpc.sendUnaryData<Buffer>,
    ) => {
      const entry: ReceivedCall = {
        method,
        request: call.request,
        metadata: textMetadata(call.metadata),
        atMs: performance.timeOrigin + performance.now(),
      };
      received.push(entry);
      Promise.resolve()
        .then(() => handle(call.request, method, call.metadata))
        .then(
          (response) => {
            entry.response = response;
            callback(null, response);
          },
          (error: Partial<grpc.ServiceError>) => {
            entry.errorCode = error.code ?? grpc.status.INTERNAL;
            callback({ code: entry.errorCode, details: error.details ?? "" });
          },
        );
    };
  }
  server.addService(definition, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    endpoint: `127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

/**
 * A handler that passes each call on to `address` unchanged, metadata
 * included, and hands back its answer: put between the timer service and the
 * pager, it lets a test see every callback and the pager's reply to it.
 */
export function forwardTo(address: string): { handle: CallHandler; close(): void } {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), {
    "grpc.initial_reconnect_backoff_ms": 100,
    "grpc.max_reconnect_backoff_ms": 500,
  });
  const handle: CallHandler = (request, method, metadata) =>
    new Promise((resolve, reject) => {
      const forwarded = new grpc.Metadata();
      for (const [key, value] of Object.entries(textMetadata(metadata))) forwarded.set(key, value);
      client.makeUnaryRequest(
        `/${method}`,
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => bytes,
        request,
        forwarded,
        { deadline: Date.now() + 10_000 },
        (error, response) => (error ? reject(error) : resolve(response ?? Buffer.alloc(0))),
      );
    });
  return { handle, close: () => client.close() };
}

/** The text entries of call metadata, without what the HTTP/2 transport itself adds. */
function textMetadata(metadata: grpc.Metadata): Record<string, string> {
  const transport = new Set([
    "user-agent",
    "content-type",
    "te",
    "grpc-accept-encoding",
    "grpc-encoding",
  ]);
  return Object.fromEntries(
    Object.entries(metadata.getMap()).flatMap(([key, value]) =>
      typeof value === "string" && !transport.has(key) && !key.startsWith(":")
        ? [[key, value]]
        : [],
    ),
  );
}
