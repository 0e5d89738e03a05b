import { invalidArgument } from "../../platform/errors/domain-error.js";

const METHOD = /^([A-Za-z_]\w*\.)*[A-Za-z_]\w*\/[A-Za-z_]\w*$/;

/**
 * Reads a fully qualified gRPC method, `package.Service/Method`, exactly as
 * written: method names are case-sensitive on the wire.
 */
export function parseMethod(value: string, field: string): string {
  if (!METHOD.test(value)) {
    throw invalidArgument(
      field,
      `"${value}" is not a fully qualified method ` +
        `(e.g. "pager.v1.PagerService/HandleAcknowledgementTimeout")`,
    );
  }
  return value;
}
