import { freePort } from "./free-port.js";
import { type MonitoringProgram, startMonitoringProgram } from "./monitoring-program.js";

/** Where Alertmanager sends its notifications: one receiver, as written in its configuration. */
export type AlertmanagerReceiver =
  | { readonly pagerdutyConfigs: { readonly routingKey: string; readonly url: string } }
  | { readonly webhookConfigs: { readonly url: string; readonly bearerToken: string } };

/** An alert as a client posts it to Alertmanager's `/api/v2/alerts`. */
export interface PostableAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly startsAt?: string;
  readonly endsAt?: string;
}

/** A real Alertmanager this test run started. */
export interface AlertmanagerProcess extends MonitoringProgram {
  /** Its host:port, for Prometheus to send alerts to. */
  readonly address: string;
  /** Posts alerts as Prometheus or any other client would. */
  postAlerts(alerts: readonly PostableAlert[]): Promise<void>;
}

/**
 * The receiver as the README shows it (`pagerduty_configs` with `url`
 * pointing at the pager, or `webhook_configs` with a bearer token), under a
 * route with short intervals so a test sees a group's first notification at
 * once and its resolution within about a second. JSON is YAML, so the file
 * is written as JSON.
 */
export function alertmanagerConfig(receiver: AlertmanagerReceiver): string {
  const configs =
    "pagerdutyConfigs" in receiver
      ? {
          pagerduty_configs: [
            {
              routing_key: receiver.pagerdutyConfigs.routingKey,
              url: receiver.pagerdutyConfigs.url,
              send_resolved: true,
            },
          ],
        }
      : {
          webhook_configs: [
            {
              url: receiver.webhookConfigs.url,
              send_resolved: true,
              http_config: {
                authorization: { type: "Bearer", credentials: receiver.webhookConfigs.bearerToken },
              },
            },
          ],
        };
  return JSON.stringify({
    route: {
      receiver: "pager",
      group_by: ["alertname"],
      group_wait: "0s",
      group_interval: "1s",
      repeat_interval: "1h",
    },
    receivers: [{ name: "pager", ...configs }],
  });
}

/**
 * Starts `prometheus-alertmanager` (Debian's Alertmanager 0.25) on a free
 * loopback port with that receiver, clustering off, its data in its own
 * temporary directory.
 */
export async function startAlertmanager(
  receiver: AlertmanagerReceiver,
): Promise<AlertmanagerProcess> {
  const address = `127.0.0.1:${await freePort()}`;
  const program = await startMonitoringProgram({
    command: "prometheus-alertmanager",
    debianPackage: "prometheus-alertmanager",
    files: { "alertmanager.yml": alertmanagerConfig(receiver) },
    args: (dir) => [
      `--config.file=${dir}/alertmanager.yml`,
      `--storage.path=${dir}/data`,
      `--web.listen-address=${address}`,
      "--cluster.listen-address=",
    ],
    url: `http://${address}`,
  });
  return {
    ...program,
    address,
    async postAlerts(alerts) {
      const response = await fetch(`${program.url}/api/v2/alerts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(alerts),
      });
      const text = await response.text();
      if (!response.ok)
        throw new Error(`Alertmanager refused the alerts: ${response.status} ${text}`);
    },
  };
}
