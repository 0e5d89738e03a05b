import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type * as grpc from "@grpc/grpc-js";
import {
  type HealthCheckRequest,
  HealthCheckRequestSchema,
  type HealthCheckResponse,
  HealthCheckResponseSchema,
} from "../../gen/grpc/health/v1/health_pb.js";

function serializeCheckRequest(request: HealthCheckRequest): Buffer {
  return Buffer.from(toBinary(HealthCheckRequestSchema, request));
}

function deserializeCheckResponse(bytes: Buffer): HealthCheckResponse {
  return fromBinary(HealthCheckResponseSchema, bytes);
}

/** Health/Check for `service` ("" for the whole server); rejects with the grpc.ServiceError. */
export function grpcCheck(client: grpc.Client, service: string): Promise<HealthCheckResponse> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      "/grpc.health.v1.Health/Check",
      serializeCheckRequest,
      deserializeCheckResponse,
      create(HealthCheckRequestSchema, { service }),
      (error, response) => (error || !response ? reject(error) : resolve(response)),
    );
  });
}

/** Health/Watch for `service`: the open stream of HealthCheckResponse messages. */
export function grpcWatch(
  client: grpc.Client,
  service: string,
): grpc.ClientReadableStream<HealthCheckResponse> {
  return client.makeServerStreamRequest(
    "/grpc.health.v1.Health/Watch",
    serializeCheckRequest,
    deserializeCheckResponse,
    create(HealthCheckRequestSchema, { service }),
  );
}
