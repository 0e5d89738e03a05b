import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type Interceptor, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import {
  ApiKeyRole,
  ApiKeyService,
  type RateLimit,
} from "../../gen/pager/v1/api_key_service_pb.js";
import type { GrpcTestClient } from "./grpc-client.js";
import { uniqueName } from "./pager-fixtures.js";

/** A key made for a test: its id and the secret shown once. */
export interface TestKey {
  readonly id: string;
  readonly name: string;
  readonly secret: string;
}

/** Makes a key through the API with `admin`, as an operator would. */
export async function createKey(
  admin: GrpcTestClient,
  role: ApiKeyRole,
  options: {
    name?: string;
    monitoredServiceId?: string;
    expireTime?: Timestamp;
    rateLimit?: RateLimit;
  } = {},
): Promise<TestKey> {
  const name = options.name ?? uniqueName(ApiKeyRole[role].toLowerCase());
  const { apiKey, secret } = await admin.call(ApiKeyService.method.createApiKey, {
    name,
    role,
    monitoredServiceId: options.monitoredServiceId ?? "",
    expireTime: options.expireTime,
    rateLimit: options.rateLimit,
  });
  return { id: apiKey?.id ?? "", name, secret };
}

/** Sends `authorization: Bearer <secret>` on every call; nothing when null. */
function presenting(secret: string | null): Interceptor {
  return (next) => (request) => {
    if (secret !== null) request.header.set("authorization", `Bearer ${secret}`);
    return next(request);
  };
}

/**
 * A Connect client transport (JSON over HTTP/1.1, what a browser or curl
 * uses), or gRPC-Web, presenting `secret`.
 */
export function connectTransport(
  baseUrl: string,
  secret: string | null,
  protocol: "connect" | "grpc-web" = "connect",
): Transport {
  const options = {
    baseUrl,
    httpVersion: "1.1" as const,
    interceptors: [presenting(secret)],
  };
  return protocol === "connect"
    ? createConnectTransport({ ...options, useBinaryFormat: false })
    : createGrpcWebTransport(options);
}

/** The code and message of a Connect call expected to fail; OK when it succeeded. */
export async function connectOutcome(
  call: () => Promise<unknown>,
): Promise<{ code: Code | "ok"; message: string; error?: ConnectError }> {
  try {
    await call();
    return { code: "ok", message: "" };
  } catch (error) {
    const connectError = ConnectError.from(error);
    return { code: connectError.code, message: connectError.rawMessage, error: connectError };
  }
}

export { Code };
