/**
 * What child-process tests and the timer bench run: exactly
 * `src/timer/main.ts` (the `npm run timer` program), under a command line
 * that does not contain it, so a `pkill -f` aimed at someone's own timer
 * service cannot kill a test's replica mid-run.
 */
import "../../src/timer/main.js";
