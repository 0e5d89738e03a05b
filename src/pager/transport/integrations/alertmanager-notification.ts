import { JsonFields, type JsonObject, type Parsed } from "./json-fields.js";

/** Labels or annotations: names to text. */
export type LabelSet = Readonly<Record<string, string>>;

/** One alert of a notification. */
export interface AlertmanagerAlert {
  readonly status: "firing" | "resolved";
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  readonly startsAt: string;
}

/**
 * What Alertmanager's webhook receiver POSTs (payload version 4) about one
 * group of alerts: whether the group is `firing` or `resolved`, its alerts,
 * what they share, and the group key that names the group for as long as it
 * exists.
 */
export interface AlertmanagerNotification {
  readonly status: "firing" | "resolved";
  readonly receiver: string;
  readonly groupKey: string;
  readonly groupLabels: LabelSet;
  readonly commonLabels: LabelSet;
  readonly commonAnnotations: LabelSet;
  readonly externalUrl: string;
  readonly truncatedAlerts: number;
  readonly alerts: readonly AlertmanagerAlert[];
}

const STATUSES = ["firing", "resolved"] as const;

/**
 * Reads a webhook notification of payload version 4, reporting every problem
 * by field. Only what the pager uses is required (`version`, `status`,
 * `groupKey`, at least one alert); other fields Alertmanager may add later
 * are ignored.
 */
export function parseAlertmanagerNotification(body: JsonObject): Parsed<AlertmanagerNotification> {
  const fields = JsonFields.of(body);
  fields.oneOf("version", ["4"]);
  const status = fields.oneOf("status", STATUSES) ?? "firing";
  const groupKey = fields.string("groupKey", true);
  const alerts = fields.objects("alerts", true).map(readAlert);
  return fields.result({
    status,
    receiver: fields.string("receiver"),
    groupKey,
    groupLabels: fields.strings("groupLabels"),
    commonLabels: fields.strings("commonLabels"),
    commonAnnotations: fields.strings("commonAnnotations"),
    externalUrl: fields.string("externalURL"),
    truncatedAlerts: fields.count("truncatedAlerts"),
    alerts,
  });
}

function readAlert(alert: JsonFields): AlertmanagerAlert {
  return {
    status: alert.oneOf("status", STATUSES) ?? "firing",
    labels: alert.strings("labels"),
    annotations: alert.strings("annotations"),
    startsAt: alert.string("startsAt"),
  };
}
