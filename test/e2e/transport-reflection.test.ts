import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createFileRegistry, fromBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import { expect } from "chai";
import * as reflectionV1 from "../../gen/grpc/reflection/v1/reflection_pb.js";
import * as reflectionV1alpha from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { PAGER_SERVICES, useTransportHarness } from "../support/transport-harness.js";

describe("transport: reflection", () => {
  const h = useTransportHarness();

  describe("reflection over HTTP/2 with a Connect gRPC client", () => {
    // v1alpha messages are wire-identical to v1: one typed client drives either descriptor.
    const versions = {
      v1: reflectionV1.ServerReflection,
      v1alpha:
        reflectionV1alpha.ServerReflection as unknown as typeof reflectionV1.ServerReflection,
    };

    for (const [version, service] of Object.entries(versions)) {
      describe(version, () => {
        const reflect = async (
          ...requests: MessageInitShape<typeof reflectionV1.ServerReflectionRequestSchema>[]
        ) => {
          const client = createClient(service, h.connectTransport);
          const answers: reflectionV1.ServerReflectionResponse[] = [];
          for await (const answer of client.serverReflectionInfo(toAsync(requests))) {
            answers.push(answer);
          }
          return answers;
        };

        it("lists the pager, health and reflection services", async () => {
          const [answer] = await reflect({
            host: "",
            messageRequest: { case: "listServices", value: "" },
          });
          expect(answer?.messageResponse.case).to.equal("listServicesResponse");
          const names =
            answer?.messageResponse.case === "listServicesResponse"
              ? answer.messageResponse.value.service.map((s) => s.name)
              : [];
          expect(names).to.include.members([
            ...PAGER_SERVICES,
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection",
          ]);
          expect(h.logs.at(-1)).to.include({
            rpc: `grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`,
            code: "ok",
          });
        });

        it("returns a symbol's file with every import, well-known types included", async () => {
          const [answer] = await reflect({
            host: "pager.example",
            messageRequest: { case: "fileContainingSymbol", value: "pager.v1.PagerService" },
          });
          expect(answer?.validHost).to.equal("pager.example");
          expect(answer?.originalRequest?.messageRequest).to.deep.include({
            case: "fileContainingSymbol",
            value: "pager.v1.PagerService",
          });
          const protos = fileDescriptors(answer);
          expect(protos[0]?.name).to.equal("pager/v1/pager_service.proto");
          expect(protos.map((p) => p.name)).to.include.members([
            "pager/v1/alert.proto",
            "pager/v1/monitored_service.proto",
            "google/protobuf/timestamp.proto",
            "google/protobuf/field_mask.proto",
          ]);
          // The answer alone is enough for a client to build the whole service.
          const [root] = protos;
          if (root === undefined) return;
          const registry = createFileRegistry(root, (name) => protos.find((p) => p.name === name));
          expect(registry.getService("pager.v1.PagerService")?.methods.length).to.be.greaterThan(0);
        });

        it("finds methods, nested types and files by name, several on one stream", async () => {
          const answers = await reflect(
            {
              host: "",
              messageRequest: {
                case: "fileContainingSymbol",
                value: "pager.v1.PagerService.SendAlert",
              },
            },
            {
              host: "",
              messageRequest: {
                case: "fileContainingSymbol",
                value: "grpc.health.v1.HealthCheckResponse.ServingStatus",
              },
            },
            {
              host: "",
              messageRequest: { case: "fileByFilename", value: "google/protobuf/timestamp.proto" },
            },
          );
          expect(answers.map((a) => fileDescriptors(a)[0]?.name)).to.deep.equal([
            "pager/v1/pager_service.proto",
            "grpc/health/v1/health.proto",
            "google/protobuf/timestamp.proto",
          ]);
        });

        it("answers NOT_FOUND naming an unknown symbol, and keeps the stream open", async () => {
          const answers = await reflect(
            { host: "", messageRequest: { case: "fileContainingSymbol", value: "pager.v1.Nope" } },
            {
              host: "",
              messageRequest: {
                case: "fileContainingExtension",
                value: { containingType: "pager.v1.Alert", extensionNumber: 1000 },
              },
            },
            { host: "", messageRequest: { case: "listServices", value: "" } },
          );
          const [symbol, extension, list] = answers.map((a) => a.messageResponse);
          expect(symbol?.case).to.equal("errorResponse");
          expect(symbol?.value).to.include({ errorCode: 5 });
          expect(symbol?.case === "errorResponse" && symbol.value.errorMessage).to.contain(
            "pager.v1.Nope",
          );
          expect(extension?.case === "errorResponse" && extension.value.errorCode).to.equal(5);
          expect(list?.case).to.equal("listServicesResponse");
        });
      });
    }
  });

  describe("buf curl, a real reflection client", () => {
    for (const protocol of ["grpc-v1", "grpc-v1alpha"]) {
      it(`lists the pager services (${protocol})`, async () => {
        const { stdout } = await bufCurl(
          "--reflect-protocol",
          protocol,
          "--list-services",
          h.baseUrl,
        );
        expect(stdout.trim().split("\n")).to.include.members(PAGER_SERVICES);
      });
    }

    it("calls Health/Check through reflection", async () => {
      const { stdout } = await bufCurl("-d", "{}", `${h.baseUrl}/grpc.health.v1.Health/Check`);
      expect(JSON.parse(stdout)).to.deep.equal({ status: "SERVING" });
    });
  });
});

async function* toAsync<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

function fileDescriptors(answer: reflectionV1.ServerReflectionResponse | undefined) {
  expect(answer?.messageResponse.case).to.equal("fileDescriptorResponse");
  if (answer?.messageResponse.case !== "fileDescriptorResponse") return [];
  return answer.messageResponse.value.fileDescriptorProto.map((bytes) =>
    fromBinary(FileDescriptorProtoSchema, bytes),
  );
}

const execFileAsync = promisify(execFile);

/** Runs buf from node_modules; async, because the server lives in this process. */
function bufCurl(...args: string[]) {
  return execFileAsync(
    "node_modules/.bin/buf",
    ["curl", "--protocol", "grpc", "--http2-prior-knowledge", ...args],
    { timeout: 20_000 },
  );
}
