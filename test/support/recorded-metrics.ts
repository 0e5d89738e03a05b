import type { EscalationMetrics } from "../../src/pager/app/ports.js";
import type {
  AckTimerMetrics,
  DeliveryMetrics,
  RelayMetrics,
} from "../../src/pager/app/worker-ports.js";
import type { TimeoutOutcome } from "../../src/pager/domain/escalation.js";
import type { Target } from "../../src/pager/domain/target.js";
import type { FiringMetrics } from "../../src/timer/app/ports.js";

/**
 * Every metrics port of both programs, remembering what it was told, so unit
 * tests of a worker can assert on what it counts without a registry.
 */
export class RecordedMetrics
  implements EscalationMetrics, DeliveryMetrics, AckTimerMetrics, RelayMetrics, FiringMetrics
{
  readonly timeouts: TimeoutOutcome[] = [];
  readonly sent: { channel: Target["kind"]; latencyMs: number }[] = [];
  readonly failed: { channel: Target["kind"]; final: boolean }[] = [];
  readonly lateness: number[] = [];
  relayFailures = 0;
  readonly attempts: { code: string; retry: boolean }[] = [];

  timeoutHandled(outcome: TimeoutOutcome): void {
    this.timeouts.push(outcome);
  }
  pageSent(channel: Target["kind"], latencyMs: number): void {
    this.sent.push({ channel, latencyMs });
  }
  pageFailed(channel: Target["kind"], final: boolean): void {
    this.failed.push({ channel, final });
  }
  fired(latenessMs: number): void {
    this.lateness.push(latenessMs);
  }
  relayFailed(count: number): void {
    this.relayFailures += count;
  }
  attempted(code: string, retry: boolean): void {
    this.attempts.push({ code, retry });
  }
}
