import { once } from "node:events";
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the fake provider read it. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
  readonly receivedAt: number;
}

/** How the provider answers one request. */
export interface ProviderAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Checks a request the way the real provider would and answers it. */
export type AnswerRequest = (request: ReceivedRequest) => ProviderAnswer;

/** A scripted answer: an HTTP status (an outage, a refusal), or "hold" (no answer until released). */
export type ScriptedAction = number | "hold";

/**
 * A provider reachable over loopback HTTP, scriptable by a test: answer the
 * next matching requests with given statuses (an outage), leave them
 * unanswered (a timeout), or hold every request until released (to crash a
 * server mid-delivery). Only requests
 * answered 2xx count as delivered; a held request whose client went away
 * before the release was never delivered, as with a real provider.
 */
export class FakeHttpProvider {
  /** Requests answered with a 2xx: the pages the provider accepted. */
  readonly delivered: ReceivedRequest[] = [];
  /** Every request answered, whatever the answer. */
  readonly answered: ReceivedRequest[] = [];
  /** Held requests whose client disconnected before the release. */
  abandoned = 0;
  private readonly scripts: { when: (r: ReceivedRequest) => boolean; actions: ScriptedAction[] }[] =
    [];
  private holding = false;
  private readonly held: { request: ReceivedRequest; res: ServerResponse }[] = [];

  private constructor(
    private readonly server: Server,
    private readonly answer: AnswerRequest,
    readonly url: string,
  ) {}

  /** Listens on a free loopback port. */
  static async start(answer: AnswerRequest): Promise<FakeHttpProvider> {
    let provider: FakeHttpProvider | undefined;
    const server = createServer((req, res) => {
      void provider?.receive(req, res);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    provider = new FakeHttpProvider(server, answer, `http://127.0.0.1:${port}`);
    return provider;
  }

  /** The next requests `when` selects get these actions, one each in order, then normal answers. */
  script(when: (request: ReceivedRequest) => boolean, ...actions: ScriptedAction[]): void {
    this.scripts.push({ when, actions });
  }

  /** From now on, every request waits unanswered until {@link release}. */
  holdAll(): void {
    this.holding = true;
  }

  /** Answers the held requests (those whose client left are gone already), and stops holding. */
  release(): void {
    this.holding = false;
    for (const { request, res } of this.held.splice(0)) this.respond(request, res);
  }

  /** Requests waiting unanswered right now. */
  heldCount(): number {
    return this.held.length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, "close");
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return; // The client went away mid-request: nothing was delivered.
    }
    const request: ReceivedRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
      receivedAt: Date.now(),
    };
    const action = this.holding ? "hold" : this.nextScripted(request);
    if (action !== "hold") {
      this.respond(request, res, action);
      return;
    }
    const entry = { request, res };
    this.held.push(entry);
    res.on("close", () => {
      const index = this.held.indexOf(entry);
      if (index < 0 || res.writableFinished) return;
      this.held.splice(index, 1);
      this.abandoned += 1;
    });
  }

  private nextScripted(request: ReceivedRequest): ScriptedAction | undefined {
    const script = this.scripts.find((s) => s.actions.length > 0 && s.when(request));
    return script?.actions.shift();
  }

  private respond(request: ReceivedRequest, res: ServerResponse, status?: number): void {
    const answer =
      status === undefined
        ? this.answer(request)
        : { status, body: { message: STATUS_CODES[status] } };
    this.answered.push(request);
    if (answer.status >= 200 && answer.status < 300) this.delivered.push(request);
    res.writeHead(answer.status, { "content-type": "application/json" });
    res.end(JSON.stringify(answer.body));
  }
}
