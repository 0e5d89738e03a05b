import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { Health } from "../../../gen/grpc/health/v1/health_pb.js";
import { ServerReflection as ServerReflectionV1 } from "../../../gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ServerReflectionV1alpha } from "../../../gen/grpc/reflection/v1alpha/reflection_pb.js";

/**
 * Served without a credential by every program: load balancers and
 * orchestrators probe health, and tools list the API through reflection,
 * before anyone holds a key. Neither reveals or changes anything.
 */
export const OPEN_SERVICES: readonly DescService[] = [
  Health,
  ServerReflectionV1,
  ServerReflectionV1alpha,
];

/** `package.Service/Method`, the key of an access table and of log lines. */
export function methodName(method: DescMethod): string {
  return `${method.parent.typeName}/${method.name}`;
}

/** Table entries giving every method of `services` the same access. */
export function sameAccess<A>(services: readonly DescService[], access: A): [string, A][] {
  return services.flatMap((service) =>
    service.methods.map((m): [string, A] => [methodName(m), access]),
  );
}

/**
 * The access rule of a method, or a refusal: a method missing from its
 * program's table is a method nobody thought about, so it is closed rather
 * than open.
 */
export function accessOf<A>(table: ReadonlyMap<string, A>, method: DescMethod): A {
  const access = table.get(methodName(method));
  if (access === undefined) {
    throw new ConnectError(
      `${methodName(method)} has no access rule on this server, so no credential may call it`,
      Code.PermissionDenied,
    );
  }
  return access;
}
