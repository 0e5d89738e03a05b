import { runService } from "../platform/program/run-service.js";
import { readTimerConfig } from "./timer-config.js";
import { startTimerServer } from "./timer-server.js";

/**
 * `npm run timer`: one replica of the timer service, configured from TIMER_*
 * variables, on an embedded PostgreSQL of its own unless TIMER_DATABASE_URL
 * (or DATABASE_URL) names one. Start as many as wanted on one database.
 */
runService(() => {
  const config = readTimerConfig(process.env);
  return {
    name: "timer",
    settings: config,
    start: (databaseUrl, logger) => startTimerServer({ config, databaseUrl, logger }),
  };
});
