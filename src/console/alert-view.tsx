import { useEffect, useState } from "preact/hooks";
import { ActorKind, type AlertEvent } from "../../gen/pager/v1/alert_event_pb.js";
import { AlertState } from "../../gen/pager/v1/alert_pb.js";
import { NotificationState } from "../../gen/pager/v1/notification_pb.js";
import type { Api } from "./api.js";
import type { Signed } from "./app.js";
import { ColumnHeads } from "./column-heads.js";
import {
  alertStateName,
  isActive,
  isoTime,
  notificationStateName,
  targetText,
  when,
} from "./format.js";
import { useAction, useLoad } from "./hooks.js";
import { allAlertEvents } from "./lists.js";
import { LoadFailure, Problem } from "./problem.js";
import { StateBadge } from "./state-badge.js";
import { describeEvent } from "./timeline.js";

async function loadAlert(api: Api, alertId: string) {
  const [{ alert }, events, { notifications }] = await Promise.all([
    api.pager.getAlert({ alertId }),
    allAlertEvents(api, alertId),
    api.notifications.listNotifications({ alertId, pageSize: 1000 }),
  ]);
  if (alert === undefined) throw new Error("the server answered without the alert");
  return { alert, events, notifications };
}

function actorText(event: AlertEvent): string {
  const actor = event.actor;
  if (actor === undefined) return "";
  switch (actor.kind) {
    case ActorKind.API_KEY:
      return `key ${actor.name}`;
    case ActorKind.ACKNOWLEDGEMENT_LINK:
      return `link of ${actor.name}`;
    default:
      return actor.name;
  }
}

/** One alert: what it is, its full history, its pages, and what the key may do about it. */
export function AlertView({ signed, alertId }: { signed: Signed; alertId: string }) {
  const [version, setVersion] = useState(0);
  useEffect(
    () =>
      signed.feed.onEvent((event) => {
        if (event.alertId === alertId) setVersion((v) => v + 1);
      }),
    [signed, alertId],
  );
  const loaded = useLoad(() => loadAlert(signed.api, alertId), [signed, alertId, version]);
  const { problem, busy, run: act } = useAction(loaded.reload);

  if (loaded.value === undefined) {
    return loaded.error !== null ? (
      <LoadFailure error={loaded.error} />
    ) : (
      <p class="loading">Loading the alert…</p>
    );
  }
  const { alert, events, notifications } = loaded.value;
  const details = Object.entries(alert.details).sort(([a], [b]) => a.localeCompare(b));
  const { respond } = signed.abilities;
  return (
    <article aria-labelledby="alert-title" class="alert">
      <p>
        <a href="#/alerts">← All alerts</a>
      </p>
      <h1 id="alert-title">{alert.message || "(no message)"}</h1>
      <dl class="facts">
        <dt>State</dt>
        <dd>
          <StateBadge kind="alert" value={alert.state} text={alertStateName(alert.state)} />
        </dd>
        <dt>Level</dt>
        <dd class="level">{alert.currentLevel}</dd>
        <dt>Triggered</dt>
        <dd>{when(alert.createTime)}</dd>
        {alert.acknowledgedBy !== "" && (
          <>
            <dt>Acknowledged by</dt>
            <dd class="acknowledged-by">
              {alert.acknowledgedBy}, {when(alert.acknowledgeTime)}
            </dd>
          </>
        )}
        {alert.state === AlertState.RESOLVED && (
          <>
            <dt>Resolved</dt>
            <dd>{when(alert.resolveTime)}</dd>
          </>
        )}
        <dt>Signals</dt>
        <dd>
          {alert.signalCount}, last {when(alert.lastSignalTime)}
        </dd>
        {alert.dedupKey !== "" && (
          <>
            <dt>Dedup key</dt>
            <dd>{alert.dedupKey}</dd>
          </>
        )}
      </dl>
      {details.length > 0 && (
        <>
          <h2>Details</h2>
          <dl class="details">
            {details.map(([key, value]) => (
              <div key={key}>
                <dt>{key}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
      {respond && isActive(alert.state) && (
        <div class="actions">
          {alert.state === AlertState.TRIGGERED && (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                act(() => signed.api.pager.acknowledgeAlert({ alertId, acknowledgedBy: "" }))
              }
            >
              Acknowledge
            </button>
          )}
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() =>
              act(() =>
                signed.api.pager.resolveAlert({ subject: { case: "alertId", value: alertId } }),
              )
            }
          >
            Resolve
          </button>
        </div>
      )}
      <Problem message={problem} />
      <h2>Pages</h2>
      {notifications.length === 0 ? (
        <p class="empty">No pages.</p>
      ) : (
        <table class="notifications">
          <ColumnHeads
            names={["Level", "Target", "State", "Attempts", "Last error", respond && "Action"]}
          />
          <tbody>
            {notifications.map((page) => (
              <tr key={page.id} data-notification-id={page.id}>
                <td data-label="Level">{page.level}</td>
                <td data-label="Target">{targetText(page.target)}</td>
                <td data-label="State">
                  <StateBadge
                    kind="page"
                    value={page.state}
                    text={notificationStateName(page.state)}
                  />
                </td>
                <td data-label="Attempts">{page.attempts}</td>
                <td data-label="Last error">{page.lastError}</td>
                {respond && (
                  <td data-label="Action">
                    {page.state === NotificationState.FAILED && (
                      <button
                        type="button"
                        class="secondary"
                        disabled={busy}
                        onClick={() =>
                          act(() =>
                            signed.api.notifications.retryNotification({ notificationId: page.id }),
                          )
                        }
                      >
                        Retry failed page
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Timeline</h2>
      <ol class="timeline">
        {events.map((event) => {
          const line = describeEvent(event);
          return (
            <li key={event.id} data-kind={line.kind} data-event-id={event.id}>
              <time dateTime={isoTime(event.createTime)}>{when(event.createTime)}</time>
              <strong class="what">{line.title}</strong> <span class="detail">{line.detail}</span>
              {actorText(event) !== "" && <span class="actor"> · {actorText(event)}</span>}
            </li>
          );
        })}
      </ol>
    </article>
  );
}
