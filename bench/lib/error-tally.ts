import { describeFailure } from "./grpc-load-client.js";

/** Unexpected failures and outcomes, by label: any of them fails the run. */
export class ErrorTally {
  private readonly counts = new Map<string, number>();

  add(rpc: string, error: unknown): void {
    const label = `${rpc}: ${typeof error === "string" ? error : describeFailure(error)}`;
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
  }

  get total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  /** Most frequent first, so the report's cut-off keeps what matters. */
  entries(): [string, number][] {
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1]);
  }
}
