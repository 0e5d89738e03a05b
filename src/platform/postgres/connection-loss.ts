/** Node's errno codes of a connection that could not be made or was cut. */
const NETWORK_ERRNOS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

/**
 * PostgreSQL SQLSTATEs of a server that is not there for us right now:
 * class 08 (connection exception), 57P01–57P03 (admin shutdown, crash
 * shutdown, cannot connect now: starting up or shutting down) and 53300
 * (too many connections).
 */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-3]$|53300$)/;

/**
 * What node-postgres, pg-pool and TypeORM say, without a code, when the
 * connection under a query or transaction went away: a server restart
 * reaches the client in any of these forms, depending on what the client
 * was doing at that moment.
 */
const LOST_CONNECTION_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /is not queryable/i,
  /Query runner already released/i,
  /connection provided by a query runner was already released/i,
  /terminating connection/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

/** TypeORM's names for a transaction whose connection died and was released under it. */
const RELEASED_RUNNER_ERRORS = new Set([
  "QueryRunnerAlreadyReleasedError",
  "QueryRunnerProviderAlreadyReleasedError",
]);

/**
 * Whether `error` says the database could not be reached or the connection
 * was lost, rather than that the request or the code was wrong: such a call
 * failed for a moment (UNAVAILABLE, retry), not for a reason (INTERNAL).
 * Follows `cause`, TypeORM's `driverError` and an AggregateError's `errors`
 * (Node tries each address of `localhost` and reports them together).
 */
export function isConnectionLoss(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 8) return false;
  const { code, driverError, errors } = error as {
    code?: unknown;
    driverError?: unknown;
    errors?: unknown;
  };
  if (typeof code === "string" && (NETWORK_ERRNOS.has(code) || UNAVAILABLE_SQLSTATE.test(code))) {
    return true;
  }
  if (RELEASED_RUNNER_ERRORS.has(error.name)) return true;
  if (LOST_CONNECTION_MESSAGES.some((pattern) => pattern.test(error.message))) return true;
  if (Array.isArray(errors) && errors.some((inner) => isConnectionLoss(inner, depth + 1))) {
    return true;
  }
  return isConnectionLoss(driverError, depth + 1) || isConnectionLoss(error.cause, depth + 1);
}
