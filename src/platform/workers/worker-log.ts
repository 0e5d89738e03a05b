/**
 * Where a background worker reports; a pino logger fits. Workers decide what
 * is worth a line and at which severity, so that decision is unit-tested
 * with an in-memory log instead of being buried in an adapter.
 */
export interface WorkerLog {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
