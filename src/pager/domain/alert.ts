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
  /**
   * When `currentLevel` was paged: its acknowledgement delay runs from here,
   * so a timer callback that comes before it ran out can be told apart.
   */
  readonly levelStartTime: Date;
  readonly acknowledgedBy: string;
  readonly levels: readonly EscalationLevel[];
  readonly createTime: Date;
  readonly acknowledgeTime: Date | null;
  readonly resolveTime: Date | null;
  /**
   * How many SendAlerts the alert absorbed, its own creation included: a
   * responder can tell a flapping check from a single report.
   */
  readonly signalCount: number;
  /** When the latest of those signals arrived. */
  readonly lastSignalTime: Date;
}
