import type { AlertDetails } from "./alert-details.js";
import type { EscalationLevel } from "./escalation-policy.js";

/** Where an alert is in its life. */
export type AlertState = "triggered" | "acknowledged" | "resolved";

/**
 * One incident of a service. `levels` is the policy as it was when the alert
 * was triggered, so editing a policy never changes a live escalation.
 */
export interface Alert {
  readonly id: string;
  readonly monitoredServiceId: string;
  readonly escalationPolicyId: string;
  readonly message: string;
  /** What monitoring said besides the message; set when the alert is created, never changed. */
  readonly details: AlertDetails;
  /** The monitoring system's deduplication key, "" when it gave none. */
  readonly dedupKey: string;
  readonly state: AlertState;
  /** 0-based index of the last level paged. */
  readonly currentLevel: number;
  readonly acknowledgedBy: string;
  readonly levels: readonly EscalationLevel[];
  readonly createTime: Date;
  readonly acknowledgeTime: Date | null;
  readonly resolveTime: Date | null;
}
