import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import { ErrorInfoSchema, RetryInfoSchema } from "../../../gen/google/rpc/error_details_pb.js";
import { DomainError, type DomainErrorKind } from "../errors/domain-error.js";
import { isConnectionLoss } from "../postgres/connection-loss.js";
import { toDuration } from "../proto/proto-time.js";
import { systemClock } from "../time/system-clock.js";
import { OutageLog } from "../workers/outage-log.js";

/** The one dependency whose outage the error mapping logs. */
const DATABASE = "database";

const CODES: Record<DomainErrorKind, Code> = {
  "invalid-argument": Code.InvalidArgument,
  "not-found": Code.NotFound,
  "failed-precondition": Code.FailedPrecondition,
  "already-exists": Code.AlreadyExists,
  "permission-denied": Code.PermissionDenied,
  unauthenticated: Code.Unauthenticated,
  "resource-exhausted": Code.ResourceExhausted,
  unavailable: Code.Unavailable,
};

/**
 * Besides a lost connection (see isConnectionLoss): a lock held past
 * `lock_timeout` (55P03), a session ended for idling in its transaction
 * (25P03). Another try, a moment later, may well succeed.
 */
const TRANSIENT_SQLSTATES = new Set(["55P03", "25P03"]);
/** A statement cancelled by `statement_timeout`: the call ran out of time. */
const STATEMENT_TIMEOUT_SQLSTATE = "57014";

/**
 * Turns whatever a use case threw into a precise gRPC status. Domain refusals
 * keep their message and gain a google.rpc.ErrorInfo with a stable reason; a
 * database outage or a lock wait past its limit is UNAVAILABLE (retryable),
 * a statement past its limit DEADLINE_EXCEEDED; anything else is INTERNAL with
 * no internals leaked, and logged with its stack. `errorDomain` is the
 * ErrorInfo domain that scopes the reasons: the API package of the server.
 * A streaming handler fails while its messages are read, so those errors are
 * mapped there too.
 *
 * A database outage fails every call while it lasts: it is logged as one
 * outage (the first failure, a summary every 30 s, a line when a call works
 * again), not a warning per call, and `onUnavailable` is told at each
 * failure so that health can look again at once rather than at its next poll.
 */
export function errorMappingInterceptor(
  logger: Logger,
  errorDomain = "pager.v1",
  onUnavailable: () => void = () => {},
): Interceptor {
  const outage = new OutageLog(logger, systemClock, {
    failing: "database unavailable; calls answer UNAVAILABLE",
    recovered: "database available again",
  });
  const unavailable = (rpc: string, error: unknown) => {
    outage.failed(DATABASE, { rpc, err: error });
    onUnavailable();
  };
  return (next) => async (request) => {
    const rpc = `${request.method.parent.typeName}/${request.method.name}`;
    const map = (error: unknown) => toConnectError(error, rpc, errorDomain, logger, unavailable);
    try {
      const response = await next(request);
      outage.succeeded(DATABASE);
      if (!response.stream) return response;
      return { ...response, message: mapStreamErrors(response.message, map) };
    } catch (error) {
      throw map(error);
    }
  };
}

async function* mapStreamErrors<T>(
  messages: AsyncIterable<T>,
  map: (error: unknown) => ConnectError,
): AsyncGenerator<T> {
  try {
    yield* messages;
  } catch (error) {
    throw map(error);
  }
}

/**
 * The longest message a refusal carries. Values in messages are quoted short
 * (see quoted.ts); this bound keeps the `grpc-message` trailer within what
 * every client accepts, whatever else a message holds.
 */
const MAX_MESSAGE_LENGTH = 1024;

function toConnectError(
  error: unknown,
  rpc: string,
  errorDomain: string,
  logger: Logger,
  unavailable: (rpc: string, error: unknown) => void,
) {
  if (error instanceof ConnectError) return error;
  if (error instanceof DomainError) return fromDomainError(error, errorDomain);
  if (hasDatabaseCode(error, (code) => code === STATEMENT_TIMEOUT_SQLSTATE)) {
    logger.warn({ rpc, err: error }, "database statement timed out");
    return new ConnectError(
      "the database took too long to answer; retry shortly",
      Code.DeadlineExceeded,
    );
  }
  if (isConnectionLoss(error) || hasDatabaseCode(error, (code) => TRANSIENT_SQLSTATES.has(code))) {
    unavailable(rpc, error);
    return new ConnectError("the database is unavailable; retry shortly", Code.Unavailable);
  }
  logger.error({ rpc, err: error }, "unexpected error");
  return new ConnectError("internal error", Code.Internal);
}

/**
 * A refusal with its ErrorInfo, and a RetryInfo when the refusal passes with
 * time, so clients back off by what the server said rather than by guess.
 */
export function fromDomainError(error: DomainError, errorDomain: string): ConnectError {
  const info = {
    desc: ErrorInfoSchema,
    value: {
      reason: error.reason,
      domain: errorDomain,
      metadata: error.field === undefined ? {} : { field: error.field },
    },
  };
  const retry =
    error.retryDelayMs === undefined
      ? []
      : [{ desc: RetryInfoSchema, value: { retryDelay: toDuration(error.retryDelayMs) } }];
  return new ConnectError(bounded(error.message), CODES[error.kind], undefined, [info, ...retry]);
}

function bounded(message: string): string {
  return message.length <= MAX_MESSAGE_LENGTH
    ? message
    : `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}
/** Whether the error, or one of its causes, carries a Node errno or SQLSTATE that `matches`. */
function hasDatabaseCode(error: unknown, matches: (code: string) => boolean): boolean {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    const { code, driverError } = cause as { code?: unknown; driverError?: { code?: unknown } };
    const codes = [code, driverError?.code].filter((c): c is string => typeof c === "string");
    if (codes.some(matches)) return true;
  }
  return false;
}
