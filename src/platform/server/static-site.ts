import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import { exactPath, type HttpHandler, type HttpRoute, pathPrefix } from "./http-routes.js";

/** Where a built single-page web app is and which paths show its page. */
export interface StaticSiteOptions {
  /** The build output: `index.html` and the files it loads. */
  readonly dir: string;
  /** Paths whose answer is `index.html`; a trailing `/` serves every path below it. */
  readonly pagePaths: readonly string[];
  /** Path under which the other files of `dir` are served, e.g. `/assets/`. */
  readonly assetsPrefix: string;
}

/** A site as loaded at start: what it serves, or why it serves nothing. */
export interface StaticSite {
  readonly routes: HttpRoute[];
  /** Null when the site is served; else what is missing, for the start line. */
  readonly missing: string | null;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * Everything the page may load comes from this server, and nothing else:
 * no inline script, no CDN, no framing. A page that can acknowledge alerts
 * must not run anyone else's code or be clicked through someone else's frame.
 */
export const STRICT_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": STRICT_CSP,
  "x-content-type-options": "nosniff",
  // Acknowledgement links carry a token in their path: never hand it to another site.
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
};

interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
  /** A strong validator of the content: a browser that has it gets a 304, not the file again. */
  readonly etag: string;
}

/**
 * Serves a built web app from memory: the files are read once at start, so a
 * request can only ever get one of them (no path is looked up on disk), and
 * the page is the same on every replica that was deployed alike. A missing
 * build is not fatal: the API works without its console, and the page says
 * how to build it.
 */
export function loadStaticSite(options: StaticSiteOptions): StaticSite {
  const index = join(options.dir, "index.html");
  if (!existsSync(index)) {
    const missing = `${index} is missing (run npm run build)`;
    const notBuilt = plainAnswer(503, `The web console is not built: ${missing}.\n`);
    return { routes: pageRoutes(options.pagePaths, notBuilt), missing };
  }
  const files = new Map<string, StaticFile>();
  for (const path of filesBelow(options.dir)) {
    const name = relative(options.dir, path).split(sep).join("/");
    const body = readFileSync(path);
    files.set(name, {
      body,
      contentType: CONTENT_TYPES[extname(path)] ?? "application/octet-stream",
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
    });
  }
  const page = files.get("index.html") as StaticFile;
  const servePage: HttpHandler = (request, response) => send(request, response, page, "no-cache");
  const serveAsset: HttpHandler = (request, response) => {
    const name = (request.url ?? "").split("?")[0]?.slice(options.assetsPrefix.length) ?? "";
    const file = name === "index.html" ? undefined : files.get(name);
    if (file === undefined) {
      plainAnswer(404, "not found\n")(request, response);
      return;
    }
    send(request, response, file, "no-cache");
  };
  return {
    routes: [
      ...pageRoutes(options.pagePaths, servePage),
      pathPrefix(options.assetsPrefix, serveAsset),
    ],
    missing: null,
  };
}

function pageRoutes(paths: readonly string[], handle: HttpHandler): HttpRoute[] {
  return paths.map((path) =>
    path.endsWith("/") && path !== "/" ? pathPrefix(path, handle) : exactPath(path, handle),
  );
}

function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesBelow(path) : [path];
  });
}

function send(
  request: Parameters<HttpHandler>[0],
  response: Parameters<HttpHandler>[1],
  file: StaticFile,
  cacheControl: string,
): void {
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
    response.end("only GET and HEAD are served here\n");
    return;
  }
  const headers = { ...SECURITY_HEADERS, "cache-control": cacheControl, etag: file.etag };
  if (request.headers["if-none-match"] === file.etag) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  response.writeHead(200, {
    ...headers,
    "content-type": file.contentType,
    "content-length": String(file.body.length),
  });
  if (request.method === "HEAD") response.end();
  else response.end(file.body);
}

function plainAnswer(status: number, text: string): HttpHandler {
  return (_request, response) => {
    response.writeHead(status, {
      ...SECURITY_HEADERS,
      "content-type": "text/plain; charset=utf-8",
    });
    response.end(text);
  };
}
