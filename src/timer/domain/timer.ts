/**
 * Where a timer is in its life. `firing` covers every attempt after the fire
 * time, including the wait before a retry, so that an operator can tell a
 * late timer (scheduled, past its time) from a struggling callee (firing).
 */
export type TimerState = "scheduled" | "firing" | "fired" | "failed" | "cancelled";

/** The unary gRPC call a timer makes: the service never looks inside `request`. */
export interface Callback {
  /** host:port of a plaintext HTTP/2 gRPC server, lower case. */
  readonly endpoint: string;
  /** Fully qualified method, `package.Service/Method`. */
  readonly method: string;
  /** The serialized request message, sent as is. */
  readonly request: Uint8Array;
  /**
   * gRPC metadata sent with the call: the credential the callee requires.
   * Secrets, stored to be sent and never shown back.
   */
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * A durable callback. `id` is the caller's, which is what makes SetTimer
 * idempotent across the caller's retries and crashes.
 */
export interface Timer {
  readonly id: string;
  readonly fireTime: Date;
  /**
   * The delay the caller asked for, when it gave one instead of a fire time:
   * a retried SetTimer with the same delay is the same timer, although "now
   * plus the delay" has moved on.
   */
  readonly delayMs: number | null;
  readonly callback: Callback;
  readonly state: TimerState;
  readonly attempts: number;
  readonly lastError: string;
  readonly createTime: Date;
  readonly updateTime: Date;
  /** Null once the timer is fired, failed or cancelled. */
  readonly nextAttemptTime: Date | null;
}

/**
 * Whether a SetTimer repeats the stored timer (a no-op) or asks for another
 * one under the same id (a conflict). A timer given by delay is compared by
 * its delay, one given by time by its time.
 */
export function sameContent(stored: Timer, requested: Timer): boolean {
  const sameSchedule =
    stored.delayMs === null || requested.delayMs === null
      ? stored.delayMs === requested.delayMs &&
        stored.fireTime.getTime() === requested.fireTime.getTime()
      : stored.delayMs === requested.delayMs;
  return (
    sameSchedule &&
    stored.callback.endpoint === requested.callback.endpoint &&
    stored.callback.method === requested.callback.method &&
    sameBytes(stored.callback.request, requested.callback.request) &&
    sameEntries(stored.callback.metadata, requested.callback.metadata)
  );
}

function sameEntries(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
