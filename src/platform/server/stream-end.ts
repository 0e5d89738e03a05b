import { Code, ConnectError } from "@connectrpc/connect";

/**
 * Passes the messages through and reports how the stream ended: normally,
 * with an error, or cut short because the client went away.
 */
export async function* observeEnd<T>(
  messages: AsyncIterable<T>,
  signal: AbortSignal,
  done: (error?: unknown) => void,
): AsyncGenerator<T> {
  let ended = false;
  try {
    yield* messages;
    ended = true;
    done(signal.aborted ? cancelled(signal) : undefined);
  } catch (error) {
    ended = true;
    done(error);
    throw error;
  } finally {
    if (!ended) {
      done(cancelled(signal));
    }
  }
}

function cancelled(signal: AbortSignal): ConnectError {
  return signal.aborted
    ? ConnectError.from(signal.reason, Code.Canceled)
    : new ConnectError("the client went away", Code.Canceled);
}
