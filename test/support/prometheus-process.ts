import { freePort } from "./free-port.js";
import { type MonitoringProgram, startMonitoringProgram } from "./monitoring-program.js";

/** An alerting rule, as written in a Prometheus rule file. */
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** What Prometheus watches and where it sends alerts. */
export interface PrometheusSetup {
  /** host:port of the service to scrape (`/metrics`). */
  readonly scrapeTarget: string;
  /** host:port of the Alertmanager to send alerts to. */
  readonly alertmanager: string;
  readonly rules: readonly AlertingRule[];
}

/**
 * Starts `prometheus` (Debian's Prometheus 2.42) on a free loopback port:
 * scraping and evaluating every second, re-sending firing alerts every
 * second, sending them to the given Alertmanager. Prometheus looks at its
 * targets and Alertmanagers for the first time about five seconds after it
 * starts, which is the bulk of a test's wait.
 */
export async function startPrometheus(setup: PrometheusSetup): Promise<MonitoringProgram> {
  const address = `127.0.0.1:${await freePort()}`;
  const config = {
    global: { scrape_interval: "1s", evaluation_interval: "1s" },
    rule_files: ["rules.yml"],
    scrape_configs: [{ job_name: "service", static_configs: [{ targets: [setup.scrapeTarget] }] }],
    alerting: {
      alertmanagers: [{ api_version: "v2", static_configs: [{ targets: [setup.alertmanager] }] }],
    },
  };
  const rules = { groups: [{ name: "service", rules: setup.rules }] };
  return startMonitoringProgram({
    command: "prometheus",
    debianPackage: "prometheus",
    files: { "prometheus.yml": JSON.stringify(config), "rules.yml": JSON.stringify(rules) },
    args: (dir) => [
      `--config.file=${dir}/prometheus.yml`,
      `--storage.tsdb.path=${dir}/data`,
      `--web.listen-address=${address}`,
      "--rules.alert.resend-delay=1s",
    ],
    url: `http://${address}`,
  });
}
