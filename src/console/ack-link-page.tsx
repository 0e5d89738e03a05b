import { AlertState } from "../../gen/pager/v1/alert_pb.js";
import { linkApi } from "./api.js";
import { refusalOf } from "./errors.js";
import { alertStateName, targetText, when } from "./format.js";
import { useAction, useLoad } from "./hooks.js";
import { Problem } from "./problem.js";
import { StateBadge } from "./state-badge.js";

/**
 * The page of an acknowledgement link: what the alert is and a button. No
 * key is needed; the token is the credential. Opening the page only reads
 * (GetAcknowledgementLink): link scanners that prefetch it stop nothing.
 * Only the button's call (AcknowledgeByLink, a POST) acknowledges.
 */
export function AckLinkPage({ token }: { token: string }) {
  const api = linkApi();
  const link = useLoad(() => api.getAcknowledgementLink({ token }), [token]);
  const { problem, busy, run } = useAction(link.reload);

  if (link.value === undefined) {
    return (
      <main class="ack-page">
        <h1>Acknowledge an alert</h1>
        {link.error !== null ? (
          <Problem message={refusalOf(link.error).message} />
        ) : (
          <p class="loading">Loading…</p>
        )}
      </main>
    );
  }
  const { alert, monitoredServiceName, target, expireTime } = link.value;
  return (
    <main class="ack-page">
      <h1>{monitoredServiceName}</h1>
      <p class="message">{alert?.message}</p>
      <dl class="facts">
        <dt>State</dt>
        <dd>
          {alert !== undefined && (
            <StateBadge kind="alert" value={alert.state} text={alertStateName(alert.state)} />
          )}
        </dd>
        <dt>Level</dt>
        <dd>{alert?.currentLevel}</dd>
        <dt>Triggered</dt>
        <dd>{when(alert?.createTime)}</dd>
        {alert !== undefined && alert.acknowledgedBy !== "" && (
          <>
            <dt>Acknowledged by</dt>
            <dd class="acknowledged-by">{alert.acknowledgedBy}</dd>
          </>
        )}
        <dt>Paged</dt>
        <dd>{targetText(target)}</dd>
        <dt>Link valid until</dt>
        <dd>{when(expireTime)}</dd>
      </dl>
      {alert?.state === AlertState.TRIGGERED && (
        <button
          type="button"
          class="big"
          disabled={busy}
          onClick={() => run(() => api.acknowledgeByLink({ token }))}
        >
          Acknowledge
        </button>
      )}
      {alert?.state === AlertState.ACKNOWLEDGED && (
        <p class="ok" role="status">
          Acknowledged: the escalation has stopped.
        </p>
      )}
      <Problem message={problem} />
    </main>
  );
}
