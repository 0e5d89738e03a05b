/**
 * What child-process tests run: exactly `src/pager/main.ts` (the `npm start`
 * program), under a command line that does not contain "src/pager/main.ts", so a
 * `pkill -f src/pager/main.ts` aimed at a developer's own server
 * cannot kill a test's server mid-run.
 */
import "../../src/pager/main.js";
