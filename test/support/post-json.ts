/** What a plain HTTP endpoint answered: status, headers, and the JSON body (null when none). */
export interface JsonAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown> | null;
}

/**
 * POSTs over HTTP/1.1 as monitoring systems do; `body` is sent as it is when
 * a string (malformed JSON, a huge event), else as JSON.
 */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === "" ? null : (JSON.parse(text) as Record<string, unknown>),
  };
}
