import { loadStaticSite, type StaticSite } from "../../platform/server/static-site.js";

/** Where the console's bundle and style sheet are served from. */
export const CONSOLE_ASSETS_PREFIX = "/assets/";
/** Where a page's acknowledgement link points: `/ack/<token>`, a page of the console. */
export const ACK_LINK_PREFIX = "/ack/";

/**
 * The web console on the pager's own port: its page at `/` and at every
 * acknowledgement link, its files under `/assets/`. The page talks to the
 * API like any other client; opening a link only shows it, the page's
 * button makes the acknowledging call.
 */
export function consoleRoutes(dir: string): StaticSite {
  return loadStaticSite({
    dir,
    pagePaths: ["/", ACK_LINK_PREFIX],
    assetsPrefix: CONSOLE_ASSETS_PREFIX,
  });
}
