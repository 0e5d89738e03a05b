import { Counter, Histogram, type Registry } from "prom-client";
import type { EscalationMetrics } from "../../app/ports.js";
import type { AckTimerMetrics, DeliveryMetrics, RelayMetrics } from "../../app/worker-ports.js";
import type { TimeoutOutcome } from "../../domain/escalation.js";
import type { Target } from "../../domain/target.js";

const CHANNELS: readonly Target["kind"][] = ["email", "sms", "webhook"];
/** Every outcome, checked by the compiler: a new one cannot be left out of the zeroed series. */
const OUTCOMES = Object.keys({
  escalated: true,
  "ignored-acknowledged": true,
  "ignored-resolved": true,
  "ignored-stale": true,
  "ignored-last-level": true,
  "ignored-not-due": true,
} satisfies Record<TimeoutOutcome, true>) as TimeoutOutcome[];
/** From 10 ms (a local webhook) to 10 min (a page that waited out provider retries). */
const DELIVERY_SECONDS_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
/** From 5 ms (a timer on time) to 2 min (a process that died holding it, then its lease). */
const LATENESS_SECONDS_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 30, 60, 120,
];

/**
 * The pager's event series, counted where things happen: escalations and
 * timeout outcomes, pages by channel and outcome with their delivery latency,
 * timer lateness, relay failures. Every label value is set to zero at start,
 * so `rate()` and `increase()` see the first event, and a dashboard shows 0
 * rather than nothing.
 */
export class PrometheusPagerMetrics
  implements EscalationMetrics, DeliveryMetrics, AckTimerMetrics, RelayMetrics
{
  private readonly timeouts: Counter<"outcome">;
  private readonly escalations: Counter;
  private readonly notifications: Counter<"channel" | "state">;
  private readonly attempts: Counter<"channel" | "result">;
  private readonly deliverySeconds: Histogram<"channel">;
  private readonly latenessSeconds: Histogram;
  private readonly relayFailures: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.timeouts = new Counter({
      name: "pager_ack_timeouts_total",
      help: "Acknowledgement delays that ran out, by outcome: escalated, or ignored and why.",
      labelNames: ["outcome"],
      registers,
    });
    this.escalations = new Counter({
      name: "pager_escalations_total",
      help: "Alerts that moved on to their next escalation level.",
      registers,
    });
    this.notifications = new Counter({
      name: "pager_notifications_total",
      help: "Pages that reached a final state, by channel and state (sent, failed).",
      labelNames: ["channel", "state"],
      registers,
    });
    this.attempts = new Counter({
      name: "pager_notification_attempts_total",
      help: "Delivery attempts, by channel and result (sent, failed); failed ones are retried until the last.",
      labelNames: ["channel", "result"],
      registers,
    });
    this.deliverySeconds = new Histogram({
      name: "pager_notification_delivery_seconds",
      help: "From the commit that queued a page to its provider accepting it, by channel.",
      labelNames: ["channel"],
      buckets: DELIVERY_SECONDS_BUCKETS,
      registers,
    });
    this.latenessSeconds = new Histogram({
      name: "pager_ack_timer_lateness_seconds",
      help: "How long after its due time an acknowledgement timer fired in this process.",
      buckets: LATENESS_SECONDS_BUCKETS,
      registers,
    });
    this.relayFailures = new Counter({
      name: "pager_timer_relay_failures_total",
      help: "Calls to the timer service that failed and will be retried.",
      registers,
    });
    for (const outcome of OUTCOMES) this.timeouts.inc({ outcome }, 0);
    for (const channel of CHANNELS) {
      for (const state of ["sent", "failed"]) {
        this.notifications.inc({ channel, state }, 0);
        this.attempts.inc({ channel, result: state }, 0);
      }
      this.deliverySeconds.zero({ channel });
    }
  }

  timeoutHandled(outcome: TimeoutOutcome): void {
    this.timeouts.inc({ outcome });
    if (outcome === "escalated") this.escalations.inc();
  }

  pageSent(channel: Target["kind"], latencyMs: number): void {
    this.attempts.inc({ channel, result: "sent" });
    this.notifications.inc({ channel, state: "sent" });
    this.deliverySeconds.observe({ channel }, Math.max(0, latencyMs) / 1000);
  }

  pageFailed(channel: Target["kind"], final: boolean): void {
    this.attempts.inc({ channel, result: "failed" });
    if (final) this.notifications.inc({ channel, state: "failed" });
  }

  fired(latenessMs: number): void {
    this.latenessSeconds.observe(Math.max(0, latenessMs) / 1000);
  }

  relayFailed(count: number): void {
    this.relayFailures.inc(count);
  }
}
