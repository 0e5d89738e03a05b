/**
 * What Alertmanager 0.25 posts to a webhook for one alert of group
 * `{}:{alertname="Disk"}` (captured from the real program), firing or
 * resolved, under `groupKey`.
 */
export function diskNotification(
  status: "firing" | "resolved",
  groupKey = '{}:{alertname="Disk"}',
) {
  return {
    receiver: "pager",
    status,
    alerts: [
      {
        status,
        labels: { alertname: "Disk", instance: "db1", severity: "critical" },
        annotations: { summary: "disk full" },
        startsAt: "2026-11-30T02:08:21.35008867Z",
        endsAt: status === "firing" ? "0001-01-01T00:00:00Z" : "2026-11-30T02:10:00Z",
        generatorURL: "",
        fingerprint: "38a182f77da69cc9",
      },
    ],
    groupLabels: { alertname: "Disk" },
    commonLabels: { alertname: "Disk", instance: "db1", severity: "critical" },
    commonAnnotations: { summary: "disk full" },
    externalURL: "http://am.example.com:9093",
    version: "4",
    groupKey,
    truncatedAlerts: 0,
  };
}
