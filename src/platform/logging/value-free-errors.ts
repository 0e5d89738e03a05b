import { type Logger, stdSerializers } from "pino";

/**
 * Error fields that carry the values of a request rather than what went
 * wrong: TypeORM's QueryFailedError keeps the statement's `parameters`
 * (alert texts, phone numbers, URLs) and PostgreSQL's `detail` and `where`
 * repeat row values; `driverError` holds them all again.
 */
const VALUE_FIELDS = ["parameters", "detail", "where", "driverError"];

/**
 * pino's error serializer without {@link VALUE_FIELDS}, in the error and
 * in every error it holds: an operator reading the log of an unexpected
 * error learns the statement and the SQLSTATE, never the data.
 */
export function serializeValueFreeError(err: unknown): unknown {
  const serialized = stdSerializers.err(err as Error);
  return withoutValues(serialized);
}

/** Deep enough for errors wrapping errors; objects an error merely refers to stay as they are. */
const MAX_DEPTH = 4;

function withoutValues(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => withoutValues(item, depth + 1));
  // A copy: the error's own objects are not ours to change.
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !VALUE_FIELDS.includes(key))
      .map(([key, item]) => [key, withoutValues(item, depth + 1)]),
  );
}

/**
 * The logger a program writes through: every `err` it logs is serialized
 * by {@link serializeValueFreeError}, whoever made the logger it was given.
 */
export function valueFreeLogger(logger: Logger): Logger {
  return logger.child({}, { serializers: { err: serializeValueFreeError } });
}
