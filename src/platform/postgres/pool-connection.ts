import pg from "pg";

/**
 * The connection class of every pool of the project. pg-pool ends a
 * connection without waiting for it to close, and stops listening for its
 * errors first: a server that ends the connection in that moment (shutting
 * down as the process stops) raises an error nobody hears, and an unheard
 * error ends the process. Heard here, it is dropped: any other error of a
 * connection also fails its next statement, or is reported by the pool
 * while the connection is idle.
 */
export class PoolConnection extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on("error", () => {});
  }
}
