import * as http from "node:http";
import * as http2 from "node:http2";
import * as net from "node:net";
import * as tls from "node:tls";
import type { connectNodeAdapter } from "@connectrpc/connect-node";
import type { ServerTls } from "../tls/server-tls.js";
import { closeWhenIdle } from "./idle-sessions.js";
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from "./server-limits.js";

/**
 * Connections the kernel may hold before the server accepts them. After an
 * outage every client reconnects at once; past Node's default of 511 the
 * kernel drops handshakes and clients wait seconds for SYN retransmits.
 * The kernel caps it at net.core.somaxconn.
 */
const LISTEN_BACKLOG = 4096;

/**
 * The request listener `connectNodeAdapter()` returns. Connect-node does not
 * export its name; deriving it keeps us in step with the adapter.
 */
export type NodeHandler = ReturnType<typeof connectNodeAdapter>;

/** Where to listen. Port 0 asks the OS for a free port, as tests do. */
export interface ListenOptions {
  host: string;
  port: number;
  /** Set: the port speaks TLS only, choosing HTTP/2 or HTTP/1.1 by ALPN. */
  tls?: ServerTls | null;
  /** Connections, streams and idle time; defaults when unset. */
  limits?: ServerLimits;
}

/**
 * A bound server. `port` is the real one, so callers that passed port 0 can
 * tell clients where to connect.
 */
export interface ListeningServer {
  readonly port: number;
  readonly host: string;
  /**
   * Stops taking connections, lets calls in flight finish, and after `graceMs`
   * (default 10 000) cuts whatever is left, so a deploy never hangs on a
   * client that keeps a stream open. Resolves when every connection is closed.
   */
  close(graceMs?: number): Promise<void>;
}

/** What every HTTP/2 client with prior knowledge sends first (RFC 9113 §3.4). */
export const HTTP2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

/** A connection that says nothing for this long is no client of ours. */
const SNIFF_TIMEOUT_MS = 10_000;

const DEFAULT_GRACE_MS = 10_000;

/**
 * Serves HTTP/2 (gRPC clients, grpcurl, buf curl) and HTTP/1.1 (Connect JSON
 * with plain curl, gRPC-Web) on ONE port, in cleartext or in TLS.
 *
 * Why: operators and tests should need one address. In cleartext, Node has
 * no server that speaks both, so each connection's first bytes are peeked:
 * the HTTP/2 preface goes to an `http2` server, anything else to an `http`
 * server, and the peeked bytes are put back so neither server loses any.
 * With TLS, the client says which in the handshake (ALPN `h2` or
 * `http/1.1`), and the decrypted socket goes to the same two servers, so
 * both modes share every limit and the graceful close.
 */
export async function listen(
  handler: NodeHandler,
  options: ListenOptions,
): Promise<ListeningServer> {
  const sockets = new Set<net.Socket>();
  const sniffing = new Set<net.Socket>();
  const h1Sockets = new Set<net.Socket>();
  const h1Inflight = new Map<net.Socket, number>();
  const h2Sessions = new Set<http2.ServerHttp2Session>();
  let closing = false;

  const h1 = http.createServer((request, response) => {
    const socket = request.socket;
    h1Inflight.set(socket, (h1Inflight.get(socket) ?? 0) + 1);
    if (closing) {
      // Node then ends the connection once this response is sent.
      response.setHeader("Connection", "close");
    }
    response.once("close", () => {
      const left = (h1Inflight.get(socket) ?? 1) - 1;
      if (left > 0) {
        h1Inflight.set(socket, left);
        return;
      }
      h1Inflight.delete(socket);
      if (closing) {
        socket.end();
      }
    });
    handler(request, response);
  });
  // This server never binds a port itself; "listening" is what starts Node's
  // headersTimeout/requestTimeout checks, our defence against slow clients.
  h1.emit("listening");

  const limits = options.limits ?? DEFAULT_SERVER_LIMITS;
  const h2 = http2.createServer(
    { settings: { maxConcurrentStreams: limits.maxConcurrentStreams } },
    handler,
  );
  h2.on("session", (session) => {
    h2Sessions.add(session);
    closeWhenIdle(session, limits.idleTimeoutMs);
    session.once("close", () => h2Sessions.delete(session));
    if (closing) {
      // Let the session read what was already buffered before saying GOAWAY.
      setImmediate(() => session.close());
    }
  });

  const handOff = (socket: net.Socket, protocol: "http2" | "http1"): void => {
    if (protocol === "http2") {
      // The http2 session drains the socket's buffered bytes itself.
      h2.emit("connection", socket);
    } else {
      h1Sockets.add(socket);
      socket.once("close", () => {
        h1Sockets.delete(socket);
        h1Inflight.delete(socket);
      });
      h1.emit("connection", socket);
      // The http server listens to "data"; resume so buffered bytes reach
      // it on the next tick, before any later packet is read.
      socket.resume();
    }
  };

  /** Every raw connection, either mode: counted for the close, and never crashing us. */
  const accept = (socket: net.Socket): boolean => {
    sockets.add(socket);
    socket.once("close", () => {
      sockets.delete(socket);
      sniffing.delete(socket);
    });
    // Sockets can fail before or after the hand-off; neither must crash us.
    socket.on("error", () => {});
    if (closing) {
      socket.destroy();
      return false;
    }
    return true;
  };

  const sniff = (socket: net.Socket): void => {
    if (!accept(socket)) return;
    sniffing.add(socket);
    const onSniffTimeout = (): void => {
      socket.destroy();
    };
    socket.setTimeout(SNIFF_TIMEOUT_MS, onSniffTimeout);
    let head: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const verdict = classify(head);
      if (verdict === "undecided") {
        return;
      }
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("timeout", onSniffTimeout);
      socket.setTimeout(0);
      sniffing.delete(socket);
      socket.pause();
      socket.unshift(head);
      handOff(socket, verdict);
    };
    const onEnd = (): void => {
      socket.destroy();
    };
    socket.on("data", onData);
    socket.once("end", onEnd);
  };

  const server = options.tls
    ? tlsServer(options.tls, accept, handOff)
    : net.createServer({ noDelay: true }, sniff);
  server.maxConnections = limits.maxConnections;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: options.host, port: options.port, backlog: LISTEN_BACKLOG }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;

  let closed: Promise<void> | undefined;
  const close = (graceMs = DEFAULT_GRACE_MS): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      closing = true;
      let listenerClosed = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (): void => {
        if (listenerClosed && sockets.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      server.close(() => {
        listenerClosed = true;
        settle();
      });
      for (const socket of sockets) {
        socket.once("close", settle);
      }
      // Stops the slow-client checks; the http server has no port to close.
      h1.close();
      for (const socket of sniffing) {
        socket.destroy();
      }
      for (const socket of h1Sockets) {
        if (!h1Inflight.has(socket)) {
          // Between requests: ending now loses no reply.
          socket.end();
        }
      }
      for (const session of h2Sessions) {
        session.close();
      }
      timer = setTimeout(() => {
        for (const socket of sockets) {
          socket.destroy();
        }
      }, graceMs);
      settle();
    });
    return closed;
  };

  return { port: address.port, host: address.address, close };
}

/**
 * The TLS side of the port: the handshake picks the protocol (a client that
 * offers no ALPN speaks HTTP/1.1), and with a client CA only clients holding
 * a certificate it signed get through the handshake at all.
 */
function tlsServer(
  settings: ServerTls,
  accept: (socket: net.Socket) => boolean,
  handOff: (socket: net.Socket, protocol: "http2" | "http1") => void,
): tls.Server {
  const mutual = settings.clientCa !== null;
  const server = tls.createServer(
    {
      cert: settings.cert,
      key: settings.key,
      ...(mutual ? { ca: settings.clientCa ?? undefined } : {}),
      requestCert: mutual,
      rejectUnauthorized: mutual,
      ALPNProtocols: ["h2", "http/1.1"],
      minVersion: "TLSv1.2",
      handshakeTimeout: SNIFF_TIMEOUT_MS,
      noDelay: true,
    },
    (socket) => {
      socket.on("error", () => {});
      handOff(socket, socket.alpnProtocol === "h2" ? "http2" : "http1");
    },
  );
  server.on("connection", accept);
  // A failed handshake (no certificate, plaintext, a port scan) only ends that connection.
  server.on("tlsClientError", () => {});
  return server;
}

type Verdict = "http2" | "http1" | "undecided";

/**
 * Decides on the fewest bytes that can tell: any byte off the preface means
 * HTTP/1, a full preface means HTTP/2, a matching fragment means wait.
 */
function classify(head: Buffer): Verdict {
  const n = Math.min(head.length, HTTP2_PREFACE.length);
  if (head.compare(HTTP2_PREFACE, 0, n, 0, n) !== 0) {
    return "http1";
  }
  return n === HTTP2_PREFACE.length ? "http2" : "undecided";
}
