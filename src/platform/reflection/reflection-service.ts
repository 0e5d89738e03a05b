import { type DescFile, type DescMessage, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Code, type ConnectRouter } from "@connectrpc/connect";
import * as v1 from "../../../gen/grpc/reflection/v1/reflection_pb.js";
import * as v1alpha from "../../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { quoted } from "../errors/quoted.js";

/**
 * Serves gRPC server reflection, so grpcurl, buf curl and Postman can call
 * pager without a copy of its .proto files.
 *
 * Both `grpc.reflection.v1` and `v1alpha` are served (older grpcurl speaks only
 * v1alpha); their messages are wire-identical, so one implementation answers
 * both. `files` are the files whose services are listed; their imports (the
 * well-known types included) are served too, since a client cannot decode a
 * file without them.
 */
export function registerReflection(router: ConnectRouter, files: DescFile[]): void {
  const index = new DescriptorIndex(files);
  router.service(v1.ServerReflection, {
    serverReflectionInfo: serverReflectionInfo<v1.ServerReflectionRequest>(index),
  });
  router.service(v1alpha.ServerReflection, {
    serverReflectionInfo: serverReflectionInfo<v1alpha.ServerReflectionRequest>(index),
  });
}

/** A reflection request of either version, reduced to what is read. */
interface ReflectionRequest {
  host: string;
  messageRequest:
    | {
        case:
          | "fileByFilename"
          | "fileContainingSymbol"
          | "allExtensionNumbersOfType"
          | "listServices";
        value: string;
      }
    | {
        case: "fileContainingExtension";
        value: { containingType: string; extensionNumber: number };
      }
    | { case: undefined; value?: undefined };
}

/** A reflection answer that fits the response message of either version. */
type ReflectionAnswer =
  | { case: "fileDescriptorResponse"; value: { fileDescriptorProto: Uint8Array[] } }
  | {
      case: "allExtensionNumbersResponse";
      value: { baseTypeName: string; extensionNumber: number[] };
    }
  | { case: "listServicesResponse"; value: { service: { name: string }[] } }
  | { case: "errorResponse"; value: { errorCode: number; errorMessage: string } };

/**
 * The bidi handler, generic over the request type so that each version's
 * `original_request` echo keeps its own generated type.
 */
function serverReflectionInfo<Req extends ReflectionRequest>(index: DescriptorIndex) {
  return async function* (requests: AsyncIterable<Req>) {
    for await (const request of requests) {
      yield {
        validHost: request.host,
        originalRequest: request,
        messageResponse: answer(index, request),
      };
    }
  };
}

function answer(index: DescriptorIndex, request: ReflectionRequest): ReflectionAnswer {
  const question = request.messageRequest;
  switch (question.case) {
    case "listServices":
      return {
        case: "listServicesResponse",
        value: { service: index.services.map((name) => ({ name })) },
      };
    case "fileByFilename":
      return files(index, index.fileByName.get(question.value), `file ${quoted(question.value)}`);
    case "fileContainingSymbol":
      return files(
        index,
        index.fileBySymbol.get(question.value),
        `symbol ${quoted(question.value)}`,
      );
    case "fileContainingExtension": {
      const { containingType, extensionNumber } = question.value;
      return files(
        index,
        index.extensionsByType.get(containingType)?.get(extensionNumber),
        `extension ${extensionNumber} of ${quoted(containingType)}`,
      );
    }
    case "allExtensionNumbersOfType": {
      const extensions = index.extensionsByType.get(question.value);
      if (extensions === undefined) {
        return notFound(`message type ${quoted(question.value)}`);
      }
      return {
        case: "allExtensionNumbersResponse",
        value: { baseTypeName: question.value, extensionNumber: [...extensions.keys()] },
      };
    }
    case undefined:
      return {
        case: "errorResponse",
        value: { errorCode: Code.InvalidArgument, errorMessage: "the request asks nothing" },
      };
  }
}

function files(index: DescriptorIndex, file: DescFile | undefined, what: string): ReflectionAnswer {
  if (file === undefined) {
    return notFound(what);
  }
  return {
    case: "fileDescriptorResponse",
    value: { fileDescriptorProto: index.withImports(file) },
  };
}

function notFound(what: string): ReflectionAnswer {
  return {
    case: "errorResponse",
    value: { errorCode: Code.NotFound, errorMessage: `${what} not found` },
  };
}

/**
 * Every name a reflection client may ask about, resolved once at start-up so
 * each request is a map look-up.
 */
class DescriptorIndex {
  readonly services: string[] = [];
  readonly fileByName = new Map<string, DescFile>();
  readonly fileBySymbol = new Map<string, DescFile>();
  /** Extendable message type → extension number → declaring file. */
  readonly extensionsByType = new Map<string, Map<number, DescFile>>();
  private readonly encoded = new Map<DescFile, Uint8Array>();

  constructor(files: DescFile[]) {
    for (const file of files) {
      for (const service of file.services) {
        if (!this.services.includes(service.typeName)) {
          this.services.push(service.typeName);
        }
      }
    }
    for (const file of closure(files)) {
      this.addFile(file);
    }
  }

  /** The file first, then everything it imports, each once. */
  withImports(file: DescFile): Uint8Array[] {
    return closure([file]).map(
      (f) => this.encoded.get(f) ?? toBinary(FileDescriptorProtoSchema, f.proto),
    );
  }

  private addFile(file: DescFile): void {
    this.fileByName.set(file.proto.name, file);
    this.encoded.set(file, toBinary(FileDescriptorProtoSchema, file.proto));
    for (const service of file.services) {
      this.fileBySymbol.set(service.typeName, file);
      for (const method of service.methods) {
        this.fileBySymbol.set(`${service.typeName}.${method.name}`, file);
      }
    }
    const enums = [...file.enums];
    const extensions = [...file.extensions];
    for (const message of nestedDeep(file.messages)) {
      this.fileBySymbol.set(message.typeName, file);
      if (!this.extensionsByType.has(message.typeName)) {
        this.extensionsByType.set(message.typeName, new Map());
      }
      for (const member of [...message.fields, ...message.oneofs]) {
        this.fileBySymbol.set(`${message.typeName}.${member.name}`, file);
      }
      enums.push(...message.nestedEnums);
      extensions.push(...message.nestedExtensions);
    }
    for (const descEnum of enums) {
      this.fileBySymbol.set(descEnum.typeName, file);
      // Enum values live in the enum's enclosing scope, as in C++.
      const scope = descEnum.typeName.slice(0, descEnum.typeName.lastIndexOf(".") + 1);
      for (const value of descEnum.values) {
        this.fileBySymbol.set(`${scope}${value.name}`, file);
      }
    }
    for (const extension of extensions) {
      this.fileBySymbol.set(extension.typeName, file);
      const extendee = extension.extendee.typeName;
      const byNumber = this.extensionsByType.get(extendee) ?? new Map<number, DescFile>();
      byNumber.set(extension.number, file);
      this.extensionsByType.set(extendee, byNumber);
    }
  }
}

/** The files and, depth first, their imports, each once. */
function closure(files: DescFile[]): DescFile[] {
  const seen = new Set<DescFile>();
  const visit = (file: DescFile): void => {
    if (seen.has(file)) {
      return;
    }
    seen.add(file);
    for (const dependency of file.dependencies) {
      visit(dependency);
    }
  };
  for (const file of files) {
    visit(file);
  }
  return [...seen];
}

/** Messages with all their nested messages, at any depth. */
function nestedDeep(messages: DescMessage[]): DescMessage[] {
  return messages.flatMap((message) => [message, ...nestedDeep(message.nestedMessages)]);
}
