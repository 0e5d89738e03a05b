import { runService } from "../platform/program/run-service.js";
import { startPagerServer } from "./pager-server.js";
import { pagerSettingList, readConfig } from "./settings/pager-config.js";

/**
 * `npm start`: the pager, configured from the environment, on an embedded
 * PostgreSQL unless DATABASE_URL names one.
 */
const help = {
  command: "npm start",
  summary: "The pager: alerts, escalation policies, acknowledgement timers and notifications.",
  settings: pagerSettingList,
};

runService(help, () => {
  const config = readConfig(process.env);
  return {
    name: "pager",
    settings: config,
    start: (databaseUrl, logger) => startPagerServer({ config, databaseUrl, logger }),
  };
});
