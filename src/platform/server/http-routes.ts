import type { connectNodeAdapter } from "@connectrpc/connect-node";

/**
 * Answers one request of either HTTP version. Connect-node does not export
 * the name of its fallback handler type; deriving it keeps us in step.
 */
export type HttpHandler = NonNullable<Parameters<typeof connectNodeAdapter>[0]["fallback"]>;
/** A request of either HTTP version, as the one-port server hands it over. */
export type HttpRequest = Parameters<HttpHandler>[0];
/** The response to an {@link HttpRequest}. */
export type HttpResponse = Parameters<HttpHandler>[1];

/**
 * A plain HTTP endpoint served on the RPC port next to the API: a web page,
 * a Prometheus scrape, a monitoring system's webhook. Operators then open
 * one port and put one address in their firewall rules.
 */
export interface HttpRoute {
  /** Whether this route answers `pathname` (the request path without its query). */
  matches(pathname: string): boolean;
  handle(request: HttpRequest, response: HttpResponse): void;
}

/** A route for one exact path. */
export function exactPath(path: string, handle: HttpHandler): HttpRoute {
  return { matches: (pathname) => pathname === path, handle };
}

/** A route for a path and everything below it, e.g. `/ack/` for `/ack/<token>`. */
export function pathPrefix(prefix: string, handle: HttpHandler): HttpRoute {
  return { matches: (pathname) => pathname.startsWith(prefix), handle };
}

/**
 * What answers a request no RPC matched: the first route that matches its
 * path, else a plain 404. RPC paths (`/package.Service/Method`) always win,
 * so no route can shadow the API.
 */
export function httpRouteFallback(routes: readonly HttpRoute[]): HttpHandler {
  return (request, response) => {
    const pathname = pathOf(request.url);
    const route = routes.find((candidate) => candidate.matches(pathname));
    if (route !== undefined) {
      route.handle(request, response);
      return;
    }
    response.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    response.end("not found\n");
  };
}

/** A request target's path, without its query. */
export function pathOf(url: string | undefined): string {
  const raw = url ?? "/";
  const query = raw.indexOf("?");
  return query === -1 ? raw : raw.slice(0, query);
}
