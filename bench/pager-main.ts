/**
 * Entry point of the bench's server process: exactly `src/main.ts` (the
 * `npm start` program), imported from a file whose name is not
 * "src/main.ts". On this shared machine other sessions stop their own
 * `npm start` servers by command line (`pkill -f src/main.ts` and the like),
 * and such a signal once stopped the bench's server mid-run; a distinct
 * command line keeps the measurement out of their way.
 */
import "../src/main.js";
