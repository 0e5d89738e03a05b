import * as grpc from "@grpc/grpc-js";
import type { ClientTls } from "../../../platform/tls/client-tls.js";
import type { CallbackResult, CallbackSender } from "../../app/ports.js";
import type { Callback } from "../../domain/timer.js";

/**
 * Codes that say "not now" rather than "no": the callee is down, overloaded
 * or slow, and the same call may well succeed later. Connection failures
 * reach us as UNAVAILABLE; CANCELLED is our own channel closing under a call.
 * Every other code is the callee's answer and final.
 */
const RETRYABLE = new Set([
  grpc.status.UNAVAILABLE,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.RESOURCE_EXHAUSTED,
  grpc.status.CANCELLED,
]);

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // Our own retries count attempts and back off; the channel must not add its own.
  "grpc.enable_retries": 0,
  // A restarted callee is found again within a second, not after grpc-js's two minutes.
  "grpc.initial_reconnect_backoff_ms": 100,
  "grpc.max_reconnect_backoff_ms": 1000,
};

/**
 * Sends callbacks with @grpc/grpc-js generic unary calls: the request is the
 * caller's bytes, passed through untouched, and the response is only waited
 * for, never decoded, so the timer service needs no schema of its callees.
 * One channel per endpoint, kept open: a burst of callbacks to one callee
 * shares one HTTP/2 connection. With a CA in `tls`, every callee is reached
 * over TLS, its certificate checked against that CA; else in cleartext.
 */
export class GrpcCallbackSender implements CallbackSender {
  private readonly channels = new Map<string, grpc.Client>();
  private readonly credentials: grpc.ChannelCredentials;

  constructor(tls: ClientTls) {
    this.credentials =
      tls.ca === null
        ? grpc.credentials.createInsecure()
        : grpc.credentials.createSsl(tls.ca, tls.key, tls.cert);
  }

  send(callback: Callback, deadlineMs: number): Promise<CallbackResult> {
    const client = this.channelTo(callback.endpoint);
    return new Promise((resolve) => {
      client.makeUnaryRequest(
        `/${callback.method}`,
        (request: Uint8Array) => Buffer.from(request.buffer, request.byteOffset, request.length),
        (response: Buffer) => response,
        callback.request,
        metadataOf(callback),
        { deadline: Date.now() + deadlineMs },
        (error) => {
          if (!error) {
            resolve({ ok: true });
            return;
          }
          const code = grpc.status[error.code] ?? String(error.code);
          resolve({
            ok: false,
            retryable: RETRYABLE.has(error.code),
            error: `${code}: ${error.details}`,
            code,
          });
        },
      );
    });
  }

  /** Closes every channel; calls in flight end with CANCELLED. */
  close(): void {
    for (const client of this.channels.values()) client.close();
    this.channels.clear();
  }

  private channelTo(endpoint: string): grpc.Client {
    let client = this.channels.get(endpoint);
    if (client === undefined) {
      client = new grpc.Client(endpoint, this.credentials, CHANNEL_OPTIONS);
      this.channels.set(endpoint, client);
    }
    return client;
  }
}

/** The callback's metadata as grpc-js sends it: the callee's credential, typically. */
function metadataOf(callback: Callback): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(callback.metadata)) metadata.set(key, value);
  return metadata;
}
