import * as http2 from "node:http2";
import { gzipSync } from "node:zlib";

/**
 * A gRPC message frame holding `inflatedBytes` of zeros gzipped: about a
 * thousandth of that on the wire. What a hostile client sends to make a
 * server inflate far more than it would ever accept uncompressed.
 */
export function gzipBomb(inflatedBytes: number): Buffer {
  const bomb = gzipSync(Buffer.alloc(inflatedBytes), { level: 9 });
  const frame = Buffer.alloc(5 + bomb.length);
  frame.writeUInt8(1, 0); // compressed
  frame.writeUInt32BE(bomb.length, 1);
  bomb.copy(frame, 5);
  return frame;
}

/**
 * One gRPC POST over HTTP/2 prior knowledge, bytes as given (no client
 * library that would refuse to send them): the status and message the
 * server answered with, from headers or trailers.
 */
export async function rawGrpcPost(
  address: string,
  path: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ status: string | undefined; message: string }> {
  const session = http2.connect(`http://${address}`);
  session.on("error", () => {});
  try {
    return await new Promise((resolve, reject) => {
      const stream = session.request({
        ":method": "POST",
        ":path": path,
        "content-type": "application/grpc",
        te: "trailers",
        ...headers,
      });
      let status: string | undefined;
      let message = "";
      const read = (h: http2.IncomingHttpHeaders): void => {
        if (h["grpc-status"] !== undefined) status = String(h["grpc-status"]);
        if (h["grpc-message"] !== undefined)
          message = decodeURIComponent(String(h["grpc-message"]));
      };
      stream.on("response", read);
      stream.on("trailers", read);
      stream.on("data", () => {});
      stream.on("error", reject);
      stream.on("close", () => resolve({ status, message }));
      stream.end(body);
    });
  } finally {
    session.close();
  }
}
