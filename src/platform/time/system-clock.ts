import type { Clock } from "./clock.js";

/** Wall-clock time for production; tests substitute their own clock. */
export const systemClock: Clock = { now: () => new Date() };
