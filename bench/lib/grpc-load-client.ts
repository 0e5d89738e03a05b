import type {
  DescMessage,
  DescMethodUnary,
  MessageInitShape,
  MessageShape,
} from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { grpcUnary } from "../../test/support/grpc-unary.js";

/**
 * A @grpc/grpc-js client for load generation: grpc-js costs far less CPU per
 * call than a Connect client, which matters when the load generator and the
 * server share a machine. Each instance opens its own HTTP/2 connection (a
 * local subchannel pool), so "one channel per 8 workers" really spreads the
 * calls over several connections instead of multiplexing them all onto one.
 * Every call presents `apiKey`, when given.
 */
export class LoadClient {
  private readonly client: grpc.Client;

  constructor(
    address: string,
    private readonly apiKey: string | null,
  ) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), {
      "grpc.use_local_subchannel_pool": 1,
      "grpc.max_receive_message_length": 16 * 1024 * 1024,
    });
  }

  /** One unary call; rejects with the grpc-js ServiceError on failure. */
  call<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    input: MessageInitShape<I>,
    deadlineMs = 30_000,
  ): Promise<MessageShape<O>> {
    return grpcUnary(this.client, method, input, deadlineMs, this.apiKey);
  }

  close(): void {
    this.client.close();
  }
}

/** A short label for a failed call: the gRPC code name and the server's message. */
export function describeFailure(error: unknown): string {
  const serviceError = error as Partial<grpc.ServiceError>;
  if (typeof serviceError.code === "number") {
    return `${grpc.status[serviceError.code] ?? serviceError.code}: ${serviceError.details ?? ""}`;
  }
  return error instanceof Error ? error.message : String(error);
}
