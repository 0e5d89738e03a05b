import { createHmac, timingSafeEqual } from "node:crypto";
import {
  FakeHttpProvider,
  type ProviderAnswer,
  type ReceivedRequest,
  type ScriptedAction,
} from "./fake-http-provider.js";

/** A webhook the receiver accepted: the key, the parsed body. */
export interface ReceivedWebhook {
  readonly url: string;
  readonly idempotencyKey: string;
  readonly payload: Record<string, unknown>;
}

/**
 * A webhook endpoint on loopback that does what a careful receiver does:
 * refuses a body whose HMAC-SHA256 signature does not match the shared
 * secret, and a request without an Idempotency-Key.
 */
export class FakeWebhookReceiver {
  readonly received: ReceivedWebhook[] = [];

  private constructor(
    readonly http: FakeHttpProvider,
    private readonly secret: string,
  ) {}

  static async start(secret: string): Promise<FakeWebhookReceiver> {
    let fake: FakeWebhookReceiver | undefined;
    const http = await FakeHttpProvider.start((request) => {
      if (fake === undefined) throw new Error("fake receiver not ready");
      return fake.answer(request);
    });
    fake = new FakeWebhookReceiver(http, secret);
    return fake;
  }

  /** A URL on this receiver, distinct per target. */
  url(path: string): string {
    return `${this.http.url}/${path}`;
  }

  /** Scripts the answers to the next requests for one URL of {@link url}. */
  scriptFor(url: string, ...actions: ScriptedAction[]): void {
    this.http.script((r) => `${this.http.url}${r.path}` === url, ...actions);
  }

  /** Webhooks accepted for one URL of {@link url}. */
  receivedAt(url: string): ReceivedWebhook[] {
    return this.received.filter((hook) => hook.url === url);
  }

  private answer(request: ReceivedRequest): ProviderAnswer {
    const expected = `sha256=${createHmac("sha256", this.secret).update(request.body).digest("hex")}`;
    const signature = String(request.headers["x-pager-signature-256"] ?? "");
    const valid =
      signature.length === expected.length &&
      timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
    if (!valid) return { status: 401, body: { error: "bad signature" } };
    const idempotencyKey = String(request.headers["idempotency-key"] ?? "");
    if (idempotencyKey === "") return { status: 400, body: { error: "no Idempotency-Key" } };
    if (request.headers["content-type"] !== "application/json") {
      return { status: 415, body: { error: "expected application/json" } };
    }
    const url = `${this.http.url}${request.path}`;
    this.received.push({ url, idempotencyKey, payload: JSON.parse(request.body) });
    return { status: 200, body: { ok: true } };
  }
}
