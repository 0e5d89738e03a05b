import type { ProcessSettings } from "./process-settings.js";

/**
 * What to tell an operator whose program could not listen because its port
 * is taken, or null for any other failure. Node's own message ("listen
 * EADDRINUSE: address already in use 127.0.0.1:50051") says what happened
 * but not what to change; this one names the setting of the port that was
 * taken (`<PROGRAM>_PORT`, or `<PROGRAM>_METRICS_PORT`) and the usual cause,
 * a copy of the program already running.
 */
export function portInUseMessage(
  error: unknown,
  program: string,
  settings: Pick<ProcessSettings, "port" | "metricsPort">,
): string | null {
  const failure = error as { code?: unknown; address?: unknown; port?: unknown } | null;
  if (failure?.code !== "EADDRINUSE") return null;
  const prefix = program.toUpperCase();
  const setting =
    failure.port === settings.metricsPort && failure.port !== settings.port
      ? `${prefix}_METRICS_PORT`
      : `${prefix}_PORT`;
  const host = String(failure.address);
  const where = `${host.includes(":") ? `[${host}]` : host}:${failure.port}`;
  return `${where} is already in use, probably by another ${program} still running: stop it, or set ${setting} to a free port`;
}
