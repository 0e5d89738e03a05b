import {
  create,
  type DescMessage,
  type DescMethodServerStreaming,
  type DescMethodUnary,
  fromBinary,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { grpcUnary } from "./grpc-unary.js";

/** A gRPC failure as a grpc-js client sees it: numeric code and the server's message. */
export interface GrpcFailure {
  readonly code: grpc.status;
  readonly details: string;
}

/**
 * A real @grpc/grpc-js client (HTTP/2, the protocol clients in other
 * languages use), driven by our generated descriptors instead of .proto
 * loading, so tests speak exactly the published contract. It presents
 * `apiKey` (as `authorization: Bearer <key>`) on every call; null: none.
 * It speaks cleartext HTTP/2 unless given TLS `credentials`.
 */
export class GrpcTestClient {
  private readonly client: grpc.Client;

  constructor(
    address: string,
    private readonly apiKey: string | null,
    credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
  ) {
    this.client = new grpc.Client(address, credentials);
  }

  call<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    input: MessageInitShape<I>,
  ): Promise<MessageShape<O>> {
    return grpcUnary(this.client, method, input, 30_000, this.apiKey);
  }

  /** Opens a server stream; the caller reads it and cancels it when done. */
  stream<I extends DescMessage, O extends DescMessage>(
    method: DescMethodServerStreaming<I, O>,
    input: MessageInitShape<I>,
  ): grpc.ClientReadableStream<MessageShape<O>> {
    const metadata = new grpc.Metadata();
    if (this.apiKey !== null) metadata.set("authorization", `Bearer ${this.apiKey}`);
    return this.client.makeServerStreamRequest(
      `/${method.parent.typeName}/${method.name}`,
      (message: MessageShape<I>) => Buffer.from(toBinary(method.input, message)),
      (bytes: Buffer) => fromBinary(method.output, bytes),
      create(method.input, input),
      metadata,
    );
  }

  /** Resolves with the failure of a call expected to fail; rejects if it succeeded. */
  async fail<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    input: MessageInitShape<I>,
  ): Promise<GrpcFailure> {
    try {
      await this.call(method, input);
    } catch (error) {
      const { code, details } = error as grpc.ServiceError;
      return { code, details };
    }
    throw new Error(`${method.name} succeeded but was expected to fail`);
  }

  close(): void {
    this.client.close();
  }
}
