import type { DestinationStream } from "pino";

/** One JSON log line as pino wrote it. */
export type LogLine = Record<string, unknown> & { readonly msg?: string };

/**
 * Keeps what the server logs, for tests about what an operator sees (a
 * warning when nobody was reached) and must never see (a secret).
 */
export class LogRecorder implements DestinationStream {
  /** Every line as written, for searching raw text. */
  readonly raw: string[] = [];

  write(line: string): void {
    this.raw.push(line);
  }

  /** Lines with this message. */
  withMessage(msg: string): LogLine[] {
    return this.raw.map((line) => JSON.parse(line) as LogLine).filter((line) => line.msg === msg);
  }
}
