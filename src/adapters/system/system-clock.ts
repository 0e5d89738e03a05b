import type { Clock } from "../../app/ports.js";

/** Wall-clock time for production; tests substitute their own clock. */
export const systemClock: Clock = { now: () => new Date() };
