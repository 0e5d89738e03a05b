import { expect } from "chai";
import pg from "pg";
import {
  QueryFailedError,
  QueryRunnerAlreadyReleasedError,
  QueryRunnerProviderAlreadyReleasedError,
} from "typeorm";
import { isConnectionLoss } from "../../src/platform/postgres/connection-loss.js";

/** An error as Node or node-postgres builds it: a message and a code. */
function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** A server error as node-postgres reports it, with its SQLSTATE. */
function serverError(message: string, code: string): pg.DatabaseError {
  const error = new pg.DatabaseError(message, message.length, "error");
  error.code = code;
  return error;
}

const CONNECTION_LOST: [string, unknown][] = [
  ["connect refused", coded("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED")],
  [
    "refused on every address of localhost (AggregateError)",
    new AggregateError([
      coded("connect ECONNREFUSED ::1:5432", "ECONNREFUSED"),
      coded("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"),
    ]),
  ],
  ["reset under a query", coded("read ECONNRESET", "ECONNRESET")],
  [
    "the server shut down by an administrator (57P01), through TypeORM",
    new QueryFailedError(
      "SELECT 1",
      [],
      serverError("terminating connection due to administrator command", "57P01"),
    ),
  ],
  ["the server starting up (57P03)", serverError("the database system is starting up", "57P03")],
  ["a connection exception (08006)", serverError("connection failure", "08006")],
  ["too many connections (53300)", serverError("sorry, too many clients already", "53300")],
  ["the connection cut under a query", new Error("Connection terminated unexpectedly")],
  [
    "a client that lost its connection, reused",
    new Error("Client has encountered a connection error and is not queryable"),
  ],
  [
    "the pool's connect timeout",
    new Error("Connection terminated due to connection timeout", {
      cause: new Error("Connection terminated unexpectedly"),
    }),
  ],
  ["TypeORM's runner released after its connection died", new QueryRunnerAlreadyReleasedError()],
  [
    "TypeORM's manager used after its runner was released",
    new QueryRunnerProviderAlreadyReleasedError(),
  ],
  [
    "a wrapped cause",
    new Error("could not record", { cause: coded("connect ECONNREFUSED", "ECONNREFUSED") }),
  ],
];

const NOT_CONNECTION_LOSS: [string, unknown][] = [
  [
    "a unique violation (23505)",
    new QueryFailedError("INSERT", [], serverError("duplicate key value", "23505")),
  ],
  ["invalid input syntax (22P02)", serverError("invalid input syntax for type uuid", "22P02")],
  ["a query canceled by timeout (57014)", serverError("canceling statement", "57014")],
  ["a bug", new TypeError("Cannot read properties of undefined (reading 'id')")],
  ["not an error at all", "ECONNREFUSED"],
];

describe("isConnectionLoss: a database outage in any form, and nothing else", () => {
  for (const [name, error] of CONNECTION_LOST) {
    it(`connection loss: ${name}`, () => {
      expect(isConnectionLoss(error)).to.equal(true);
    });
  }
  for (const [name, error] of NOT_CONNECTION_LOSS) {
    it(`not connection loss: ${name}`, () => {
      expect(isConnectionLoss(error)).to.equal(false);
    });
  }
});
