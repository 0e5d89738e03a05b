import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";

type Next = Parameters<Interceptor>[0];

/**
 * Passes the messages through and reports how the stream ended: normally,
 * with an error, or cut short because the client went away.
 */
async function* observeEnd<T>(
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

/**
 * Runs the call and reports its end once: a unary call when it returns or
 * throws, a streaming one when its response stream ends. The interceptors that
 * log and count calls share it, so both see the same end of the same call.
 */
export async function reportCallEnd(
  next: Next,
  request: Parameters<Next>[0],
  done: (error?: unknown) => void,
): ReturnType<Next> {
  let response: Awaited<ReturnType<Next>>;
  try {
    response = await next(request);
  } catch (error) {
    done(error);
    throw error;
  }
  if (!response.stream) {
    done();
    return response;
  }
  return { ...response, message: observeEnd(response.message, request.signal, done) };
}
