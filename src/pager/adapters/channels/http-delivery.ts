import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { httpDeliveryError } from "./http-delivery-error.js";

/** One POST a channel makes to hand a page to its provider. */
export interface DeliveryRequest {
  /** Who is called, for error messages: "Twilio", "the webhook". */
  readonly provider: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
  /** The provider's own words for a refusal, taken from its response body. */
  readonly reasonOf: (body: string) => string;
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
  let response: { status: number; body: string };
  try {
    response = await post(request);
  } catch (error) {
    throw httpDeliveryError(request.provider, { unreachable: error });
  }
  const { status, body } = response;
  if (status >= 200 && status < 300) return body;
  const reason = request.reasonOf(body).trim().slice(0, MAX_REASON_LENGTH);
  throw httpDeliveryError(request.provider, { status, reason });
}

/** One request, bounded as a whole (connect, send, answer) by `timeoutMs`. */
function post(request: DeliveryRequest): Promise<{ status: number; body: string }> {
  const url = new URL(request.url);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: "POST",
        agent: url.protocol === "https:" ? AGENTS["https:"] : AGENTS["http:"],
        headers: { ...request.headers, "content-length": Buffer.byteLength(request.body) },
      },
      (res) => {
        readBody(res).then(
          (body) => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, body });
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

async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    if (size < MAX_RESPONSE_BYTES) chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return Buffer.concat(chunks).toString("utf8").slice(0, MAX_RESPONSE_BYTES);
}
