import http from "node:http";
import { expect } from "chai";

/** One scrape of `/metrics`: the status, and the series when it answered 200. */
export interface Scrape {
  readonly status: number;
  readonly text: string;
  /** The value of the sample `name{labels}` (labels matched exactly), or undefined. */
  value(name: string, labels?: Readonly<Record<string, string>>): number | undefined;
}

/** GETs `/metrics` on `host:port` as Prometheus would, presenting `key` when given. */
export async function scrape(address: string, key?: string): Promise<Scrape> {
  const response = await fetch(`http://${address}/metrics`, {
    headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
  });
  const text = await response.text();
  const samples = response.status === 200 ? parseSamples(text) : new Map<string, number>();
  return {
    status: response.status,
    text,
    value: (name, labels = {}) => samples.get(sampleKey(name, labels)),
  };
}

/** The status of a scrape addressed (`Host`) to `host`, as a Prometheus given that name sends it. */
export function scrapeStatusAs(address: string, host: string, key?: string): Promise<number> {
  const [hostname, port] = address.split(":");
  return new Promise((resolve, reject) => {
    const request = http.get(
      {
        hostname,
        port: Number(port),
        path: "/metrics",
        headers: { host, ...(key === undefined ? {} : { authorization: `Bearer ${key}` }) },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on("error", reject);
  });
}

/** Scrapes and requires a 200. */
export async function scrapeOk(address: string, key?: string): Promise<Scrape> {
  const result = await scrape(address, key);
  expect(result.status, result.text).to.equal(200);
  return result;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The text exposition format, enough of it: one sample per line, comments skipped. */
function parseSamples(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = SAMPLE.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? "").matchAll(LABEL)) {
      if (name !== undefined) labels[name] = value ?? "";
    }
    samples.set(sampleKey(match[1] ?? "", labels), Number(match[3]));
  }
  return samples;
}

function sampleKey(name: string, labels: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((label) => `${label}=${JSON.stringify(labels[label])}`);
  return `${name}{${sorted.join(",")}}`;
}
