import { useState } from "preact/hooks";
import { AlertState } from "../../gen/pager/v1/alert_pb.js";
import type { Signed } from "./app.js";
import { ColumnHeads } from "./column-heads.js";
import { age, alertStateName, isActive, isoTime, when } from "./format.js";
import { useFeed, useLoad, useNow } from "./hooks.js";
import { allServices } from "./lists.js";
import { LoadFailure } from "./problem.js";
import { StateBadge } from "./state-badge.js";

type StateFilter = "all" | "active" | AlertState;

const STATE_FILTERS: [string, StateFilter][] = [
  ["All", "all"],
  ["Active (triggered or acknowledged)", "active"],
  ["Triggered", AlertState.TRIGGERED],
  ["Acknowledged", AlertState.ACKNOWLEDGED],
  ["Resolved", AlertState.RESOLVED],
];

/** Active alerts first, then recent ones; live through WatchAlerts, filtered by state and service. */
export function AlertsView({ signed }: { signed: Signed }) {
  const feed = useFeed(signed.feed);
  const now = useNow();
  const alerts = feed.list();
  // A service never seen before comes with its first alert: read the names again then.
  const serviceCount = new Set(alerts.map((alert) => alert.monitoredServiceId)).size;
  const services = useLoad(() => allServices(signed.api), [signed, serviceCount]);
  const names = new Map((services.value ?? []).map((service) => [service.id, service.name]));
  const [stateFilter, setStateFilter] = useState<StateFilter>("all");
  const [serviceFilter, setServiceFilter] = useState("");
  const shown = alerts.filter(
    (alert) =>
      (serviceFilter === "" || alert.monitoredServiceId === serviceFilter) &&
      (stateFilter === "all" ||
        (stateFilter === "active" ? isActive(alert.state) : alert.state === stateFilter)),
  );
  return (
    <section aria-labelledby="alerts-title">
      <div class="title-row">
        <h1 id="alerts-title">Alerts</h1>
        <p class={`feed feed-${feed.status}`} role="status">
          {feed.status === "live"
            ? "Live: changes appear as they happen"
            : feed.status === "connecting"
              ? "Connecting…"
              : "Connection lost; reconnecting…"}
        </p>
      </div>
      <div class="filters">
        <label>
          State{" "}
          <select
            name="state"
            value={String(stateFilter)}
            onChange={(event) => {
              const value = event.currentTarget.value;
              setStateFilter(
                value === "all" || value === "active" ? value : (Number(value) as AlertState),
              );
            }}
          >
            {STATE_FILTERS.map(([label, value]) => (
              <option key={label} value={String(value)}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Service{" "}
          <select
            name="service"
            value={serviceFilter}
            onChange={(event) => setServiceFilter(event.currentTarget.value)}
          >
            <option value="">All services</option>
            {(services.value ?? []).map((service) => (
              <option key={service.id} value={service.id}>
                {service.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <LoadFailure error={services.error} />
      {shown.length === 0 ? (
        <p class="empty">
          {feed.status === "connecting" ? "Loading alerts…" : "No alerts match these filters."}
        </p>
      ) : (
        <table class="alerts">
          <ColumnHeads names={["State", "Service", "Message", "Level", "Age", "Acknowledged by"]} />
          <tbody>
            {shown.map((alert) => (
              <tr key={alert.id} data-alert-id={alert.id}>
                <td data-label="State">
                  <StateBadge kind="alert" value={alert.state} text={alertStateName(alert.state)} />
                </td>
                <td data-label="Service">
                  {names.get(alert.monitoredServiceId) ?? alert.monitoredServiceId}
                </td>
                <td data-label="Message">
                  <a href={`#/alerts/${alert.id}`}>{alert.message || "(no message)"}</a>
                </td>
                <td data-label="Level" class="level">
                  {alert.currentLevel}
                </td>
                <td data-label="Age">
                  <time dateTime={isoTime(alert.createTime)} title={when(alert.createTime)}>
                    {age(alert.createTime, now)}
                  </time>
                </td>
                <td data-label="Acknowledged by" class="acknowledged-by">
                  {alert.acknowledgedBy}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
