import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** The metric the fake service reports: 1 while it is failing, 0 while it is fine. */
export const FAILING_METRIC = "fake_service_failing";

/**
 * A small "service" on loopback that Prometheus scrapes, as the monitored
 * services of a real deployment are: its `/metrics` says whether it is
 * failing, and the test flips that.
 */
export class FakeServiceExporter {
  failing = false;

  private constructor(
    private readonly server: Server,
    /** host:port, for Prometheus's scrape configuration. */
    readonly target: string,
  ) {}

  static async start(): Promise<FakeServiceExporter> {
    let exporter: FakeServiceExporter | undefined;
    const server = createServer((request, response) => {
      if (request.url !== "/metrics") {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      response.end(
        `# HELP ${FAILING_METRIC} Whether the service is failing.\n` +
          `# TYPE ${FAILING_METRIC} gauge\n` +
          `${FAILING_METRIC} ${exporter?.failing ? 1 : 0}\n`,
      );
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    exporter = new FakeServiceExporter(server, `127.0.0.1:${port}`);
    return exporter;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, "close");
  }
}
