import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorInfoSchema } from "../../gen/google/rpc/error_details_pb.js";

/** A refusal as the page shows it: the server's message, and the field it names if any. */
export interface Refusal {
  readonly code: Code;
  readonly message: string;
  /** The request field to fix, e.g. `levels[1].targets[0].sms.phone_number`; null if none. */
  readonly field: string | null;
}

/** Reads what the server said; the ErrorInfo detail names the offending field. */
export function refusalOf(error: unknown): Refusal {
  const connectError = ConnectError.from(error);
  const info = connectError.findDetails(ErrorInfoSchema)[0];
  return {
    code: connectError.code,
    message: describe(connectError),
    field: info?.metadata.field ?? null,
  };
}

function describe(error: ConnectError): string {
  if (error.code === Code.Unauthenticated) return `Not signed in: ${error.rawMessage}`;
  if (error.code === Code.PermissionDenied) return `Not allowed: ${error.rawMessage}`;
  if (error.code === Code.Unavailable || error.code === Code.Unknown) {
    return `The pager could not be reached (${error.rawMessage}); try again.`;
  }
  return error.rawMessage;
}
