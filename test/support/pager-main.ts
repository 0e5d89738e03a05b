/**
 * What child-process tests run: exactly `src/main.ts` (the `npm start`
 * program), under a command line that does not contain "src/main.ts", so a
 * `pkill -f src/main.ts` aimed at someone's own server on this shared machine
 * cannot kill a test's server mid-run.
 */
import "../../src/main.js";
