import { invalidArgument } from "../errors/domain-error.js";

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

/** A position in a keyset-paginated list: the rows after `after`, at most `limit` of them. */
export interface ListCursor {
  /** Return rows whose id sorts after this one; null for the first slice. */
  readonly after: string | null;
  readonly limit: number;
  /** Newest first: the rows whose id sorts before `after`, in descending order. */
  readonly descending?: boolean;
}

/** A list request as the client sent it. */
export interface ListRequest {
  readonly pageSize: number;
  readonly pageToken: string;
}

/** One slice of a list and the token for the next one ("" at the end). */
export interface ListSlice<T> {
  readonly items: T[];
  readonly nextPageToken: string;
}

/**
 * Turns page_size/page_token into a keyset query. Tokens are opaque to
 * clients (base64url of the last id) so the scheme can change without
 * breaking them; sizes over the maximum are clamped as AIP-158 suggests.
 * `checkId` validates the decoded id by the listed resource's own rule
 * (server-made UUIDs, or ids a client chose).
 */
export function parseListRequest(
  input: ListRequest,
  checkId: (id: string, field: string) => string,
): ListCursor {
  if (!Number.isInteger(input.pageSize) || input.pageSize < 0) {
    throw invalidArgument("page_size", "must be 0 (server default) or a positive number");
  }
  const limit = input.pageSize === 0 ? DEFAULT_PAGE_SIZE : Math.min(input.pageSize, MAX_PAGE_SIZE);
  if (input.pageToken === "") return { after: null, limit };
  const decoded = Buffer.from(input.pageToken, "base64url").toString("utf8");
  try {
    return { after: checkId(decoded, "page_token"), limit };
  } catch {
    throw invalidArgument(
      "page_token",
      "is not a token returned by this list; start again without it",
    );
  }
}

/**
 * Reads one row more than asked to learn whether a next slice exists without
 * a COUNT.
 */
export async function fetchSlice<T extends { readonly id: string }>(
  cursor: ListCursor,
  load: (cursor: ListCursor) => Promise<T[]>,
): Promise<ListSlice<T>> {
  const rows = await load({ ...cursor, limit: cursor.limit + 1 });
  if (rows.length <= cursor.limit) return { items: rows, nextPageToken: "" };
  const items = rows.slice(0, cursor.limit);
  const last = items[items.length - 1];
  return {
    items,
    nextPageToken: last === undefined ? "" : Buffer.from(last.id, "utf8").toString("base64url"),
  };
}
