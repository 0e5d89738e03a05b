import type { Registry } from "prom-client";
import { DomainError } from "../errors/domain-error.js";
import { exactPath, type HttpResponse, type HttpRoute } from "../server/http-routes.js";

/** Where Prometheus looks by default. */
export const METRICS_PATH = "/metrics";

/**
 * Decides whether the `authorization` header of a scrape may read the
 * metrics: resolves when it may, throws a {@link DomainError} (unauthenticated,
 * permission-denied) when not. Anything else it throws (the key store
 * unreachable) answers 503.
 */
export type ScrapeAuthorizer = (authorization: string | null) => Promise<void>;

/** Scrapes on a metrics-only port, which operators keep off the public network. */
export const OPEN_SCRAPES: ScrapeAuthorizer = async () => {};

const STATUS_OF_REFUSAL: Partial<Record<DomainError["kind"], number>> = {
  unauthenticated: 401,
  "permission-denied": 403,
};

/**
 * `GET /metrics`: the registry in the Prometheus text format, once the
 * caller is authorized. Series computed at scrape (counts read from the
 * database) are read then, so a scrape costs a few cheap queries.
 */
export function metricsRoute(
  registry: Registry,
  authorize: ScrapeAuthorizer,
  onError: (error: unknown) => void,
): HttpRoute {
  return exactPath(METRICS_PATH, (request, response) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      answer(response, 405, "use GET /metrics\n", { allow: "GET, HEAD" });
      return;
    }
    const header = request.headers.authorization;
    void scrape(registry, authorize, typeof header === "string" ? header : null).then(
      ({ status, body, headers }) => answer(response, status, body, headers),
      (error: unknown) => {
        onError(error);
        answer(response, 503, "metrics are unavailable; retry shortly\n");
      },
    );
  });
}

interface Scrape {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

async function scrape(
  registry: Registry,
  authorize: ScrapeAuthorizer,
  authorization: string | null,
): Promise<Scrape> {
  try {
    await authorize(authorization);
  } catch (error) {
    const status = error instanceof DomainError ? STATUS_OF_REFUSAL[error.kind] : undefined;
    if (status === undefined || !(error instanceof DomainError)) throw error;
    const challenge = status === 401 ? { "www-authenticate": 'Bearer realm="metrics"' } : undefined;
    return { status, body: `${error.message}\n`, headers: challenge };
  }
  return {
    status: 200,
    body: await registry.metrics(),
    headers: { "content-type": registry.contentType },
  };
}

function answer(
  response: HttpResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent) return;
  response.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    ...headers,
    "content-length": String(Buffer.byteLength(body)),
  });
  response.end(body);
}
