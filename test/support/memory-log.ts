import type { WorkerLog } from "../../src/platform/workers/worker-log.js";

/** One line a worker logged. */
export interface LoggedLine {
  readonly severity: "debug" | "info" | "warn" | "error";
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** A worker log in memory, for tests about what a worker decides to tell an operator. */
export class MemoryLog implements WorkerLog {
  readonly lines: LoggedLine[] = [];

  debug(fields: object, message: string): void {
    this.add("debug", fields, message);
  }
  info(fields: object, message: string): void {
    this.add("info", fields, message);
  }
  warn(fields: object, message: string): void {
    this.add("warn", fields, message);
  }
  error(fields: object, message: string): void {
    this.add("error", fields, message);
  }

  /** `severity message` of every line, in order: what an operator would skim. */
  summary(): string[] {
    return this.lines.map((line) => `${line.severity} ${line.message}`);
  }

  private add(severity: LoggedLine["severity"], fields: object, message: string): void {
    this.lines.push({ severity, fields: { ...fields }, message });
  }
}
