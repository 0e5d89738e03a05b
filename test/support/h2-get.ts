import * as http2 from "node:http2";

/**
 * One GET over cleartext HTTP/2 with prior knowledge, the way a gRPC client's connection
 * reaches the port (fetch would speak HTTP/1.1): the status, content type and body.
 */
export async function h2Get(
  baseUrl: string,
  path: string,
): Promise<{ status: number; type: string; body: string }> {
  const session = http2.connect(baseUrl);
  try {
    return await new Promise((resolve, reject) => {
      const stream = session.request({ ":path": path, ":method": "GET" });
      let status = 0;
      let type = "";
      let body = "";
      stream.on("response", (headers) => {
        status = Number(headers[":status"]);
        type = String(headers["content-type"]);
      });
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        body += chunk;
      });
      stream.on("end", () => resolve({ status, type, body }));
      stream.on("error", reject);
    });
  } finally {
    session.close();
  }
}
