import {
  create,
  type DescMessage,
  type DescMethodUnary,
  fromBinary,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";

/**
 * One unary call through a plain @grpc/grpc-js client, serialised with our
 * generated descriptors instead of .proto loading, so tests and benches speak
 * exactly the published contract. `apiKey`, when given, is sent as
 * `authorization: Bearer <key>`. Rejects with the grpc-js ServiceError.
 */
export function grpcUnary<I extends DescMessage, O extends DescMessage>(
  client: grpc.Client,
  method: DescMethodUnary<I, O>,
  input: MessageInitShape<I>,
  deadlineMs = 30_000,
  apiKey: string | null = null,
): Promise<MessageShape<O>> {
  const metadata = new grpc.Metadata();
  if (apiKey !== null) metadata.set("authorization", `Bearer ${apiKey}`);
  const request = create(method.input, input);
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      `/${method.parent.typeName}/${method.name}`,
      (message: MessageShape<I>) => Buffer.from(toBinary(method.input, message)),
      (bytes: Buffer) => fromBinary(method.output, bytes),
      request,
      metadata,
      { deadline: Date.now() + deadlineMs },
      (error, response) => {
        if (error) reject(error);
        else if (response === undefined) reject(new Error(`${method.name}: empty response`));
        else resolve(response);
      },
    );
  });
}
