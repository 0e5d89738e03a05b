import { once } from "node:events";
import * as net from "node:net";
import { setTimeout as delay } from "node:timers/promises";

export interface SplittingProxy {
  port: number;
  /** The pieces the first chunk of the latest connection was sent in. */
  firstChunks: Buffer[][];
  close(): void;
}

/**
 * Forwards to the server but sends each connection's first bytes in pieces,
 * with a pause between them, so the server sees a partial preface first.
 */
export async function splittingProxy(targetPort: number): Promise<SplittingProxy> {
  const firstChunks: Buffer[][] = [];
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((downstream) => {
    const upstream = net.connect({ host: "127.0.0.1", port: targetPort, noDelay: true });
    sockets.add(downstream).add(upstream);
    downstream.on("error", () => upstream.destroy());
    upstream.on("error", () => downstream.destroy());
    upstream.pipe(downstream);
    let chain = Promise.resolve();
    let first = true;
    downstream.on("data", (chunk: Buffer) => {
      const pieces = first
        ? [chunk.subarray(0, 1), chunk.subarray(1, 3), chunk.subarray(3)]
        : [chunk];
      if (first) firstChunks.push(pieces);
      first = false;
      chain = chain.then(async () => {
        for (const [i, piece] of pieces.entries()) {
          if (i > 0) await delay(15);
          upstream.write(piece);
        }
      });
    });
    downstream.on("end", () => {
      chain = chain.then(() => {
        upstream.end();
      });
    });
  });
  proxy.listen(0, "127.0.0.1");
  await once(proxy, "listening");
  return {
    port: (proxy.address() as net.AddressInfo).port,
    firstChunks,
    close() {
      for (const socket of sockets) socket.destroy();
      proxy.close();
    },
  };
}
