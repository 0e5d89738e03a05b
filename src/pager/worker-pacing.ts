/**
 * The longest the dispatcher and the timer worker sleep when nothing told
 * them of work: they still find, within this time, what another process
 * queued.
 */
export const WORKER_IDLE_POLL_MS = 1000;

/** Rows the dispatcher and the timer worker claim per round at most: one statement each. */
export const WORKER_BATCH_SIZE = 100;
