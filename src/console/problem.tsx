import { refusalOf } from "./errors.js";

/** What the server refused, announced where it happened (role="alert"); nothing when all is well. */
export function Problem({ message }: { message: string | null | undefined }) {
  if (message === null || message === undefined) return null;
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}

/** Why a list or record could not be read, in place of it; nothing when it was read. */
export function LoadFailure({ error }: { error: unknown }) {
  return error === null ? null : <p class="error">{refusalOf(error).message}</p>;
}
