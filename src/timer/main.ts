import { runService } from "../platform/program/run-service.js";
import { readTimerConfig, timerSettingList } from "./timer-config.js";
import { startTimerServer } from "./timer-server.js";

/**
 * `npm run timer`: one replica of the timer service, configured from TIMER_*
 * variables, on an embedded PostgreSQL of its own unless TIMER_DATABASE_URL
 * (or DATABASE_URL) names one. Start as many as wanted on one database.
 */
const help = {
  command: "npm run timer",
  summary: "The timer service: stores timers and makes the gRPC call each describes when due.",
  settings: timerSettingList,
};

runService(help, () => {
  const config = readTimerConfig(process.env);
  return {
    name: "timer",
    settings: config,
    start: (databaseUrl, logger) => startTimerServer({ config, databaseUrl, logger }),
  };
});
