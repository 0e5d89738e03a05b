import { invalidArgument } from "../../platform/errors/domain-error.js";
import { quoted } from "../../platform/errors/quoted.js";

const METHOD = /^([A-Za-z_]\w*\.)*[A-Za-z_]\w*\/[A-Za-z_]\w*$/;

/**
 * Reads a fully qualified gRPC method, `package.Service/Method`, exactly as
 * written: method names are case-sensitive on the wire.
 */
export function parseMethod(value: string, field: string): string {
  if (!METHOD.test(value)) {
    throw invalidArgument(
      field,
      `${quoted(value)} is not a fully qualified method ` +
        `(e.g. "pager.v1.PagerService/HandleAcknowledgementTimeout")`,
    );
  }
  return value;
}
