import { DomainError } from "../../src/platform/errors/domain-error.js";

/** The DomainError `run` throws; fails the test when it throws something else, or nothing. */
export function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}
