import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { httpDeliveryError } from "./http-delivery-error.js";
import { BlockedDestination } from "./webhook-destination.js";

/** One POST a channel makes to hand a page to its provider. */
export interface DeliveryRequest {
  /** Who is called, for error messages: "Twilio", "the webhook". */
  readonly provider: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
  /**
   * The words a refusal is recorded with, from the response body or the
   * status line's reason phrase (already stripped to printable ASCII).
   */
  readonly reasonOf: (body: string, statusText: string) => string;
  /** Agents of its own, e.g. ones that refuse some addresses; shared kept-open ones by default. */
  readonly agents?: Readonly<{ "http:": HttpAgent; "https:": HttpsAgent }>;
}

const MAX_REASON_LENGTH = 300;
/** More of a response than any provider's answer to a page; the rest is read and dropped. */
const MAX_RESPONSE_BYTES = 64 * 1024;
/** Kept-open connections: a page storm reuses them instead of a TCP (and TLS) handshake each. */
const AGENTS = {
  "http:": new HttpAgent({ keepAlive: true }),
  "https:": new HttpsAgent({ keepAlive: true }),
};

/**
 * POSTs a page: 2xx is accepted and its body returned; anything else throws
 * the DeliveryError `httpDeliveryError` sorts it into, transient or not.
 *
 * node:http rather than fetch: at hundreds of pages a second fetch cost
 * several times the CPU per request (bench/dispatcher-throughput.ts).
 */
export async function postDelivery(request: DeliveryRequest): Promise<string> {
  let response: { status: number; statusText: string; body: string };
  try {
    response = await post(request);
  } catch (error) {
    if (error instanceof BlockedDestination) {
      throw httpDeliveryError(request.provider, { refused: error.message });
    }
    throw httpDeliveryError(request.provider, { unreachable: error });
  }
  const { status, statusText, body } = response;
  if (status >= 200 && status < 300) return body;
  const reason = request.reasonOf(body, statusText).trim().slice(0, MAX_REASON_LENGTH);
  throw httpDeliveryError(request.provider, { status, reason });
}

/** One request, bounded as a whole (connect, send, answer) by `timeoutMs`. */
function post(
  request: DeliveryRequest,
): Promise<{ status: number; statusText: string; body: string }> {
  const url = new URL(request.url);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  const agents = request.agents ?? AGENTS;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: "POST",
        agent: url.protocol === "https:" ? agents["https:"] : agents["http:"],
        headers: { ...request.headers, "content-length": Buffer.byteLength(request.body) },
      },
      (res) => {
        readBody(res).then(
          (body) => {
            clearTimeout(timer);
            resolve({
              status: res.statusCode ?? 0,
              statusText: printable(res.statusMessage),
              body,
            });
          },
          (error: unknown) => req.destroy(error as Error),
        );
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer within ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(request.body);
  });
}

/** A status line's reason phrase as a record may keep it: printable ASCII, short. */
function printable(text: string | undefined): string {
  return (text ?? "").replace(/[^\x20-\x7e]/g, "").slice(0, 64);
}

async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    if (size < MAX_RESPONSE_BYTES) chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return Buffer.concat(chunks).toString("utf8").slice(0, MAX_RESPONSE_BYTES);
}
