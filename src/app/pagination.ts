import { invalidArgument } from "../domain/domain-error.js";
import { requireId } from "../domain/resource-id.js";
import type { PageRequest } from "./ports.js";

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

/** A list request as the client sent it. */
export interface PageInput {
  readonly pageSize: number;
  readonly pageToken: string;
}

/** One page of results and the token for the next one ("" at the end). */
export interface PageOf<T> {
  readonly items: T[];
  readonly nextPageToken: string;
}

/**
 * Turns page_size/page_token into a keyset query. Tokens are opaque to
 * clients (base64url of the last id) so the scheme can change without
 * breaking them; sizes over the maximum are clamped as AIP-158 suggests.
 * `checkId` validates the decoded id: server ids are UUIDs, but a resource
 * whose id the client chose has its own rule.
 */
export function parsePage(
  input: PageInput,
  checkId: (id: string, field: string) => string = requireId,
): PageRequest {
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
 * Reads one row more than asked to learn whether a next page exists without
 * a COUNT.
 */
export async function fetchPage<T extends { readonly id: string }>(
  page: PageRequest,
  load: (page: PageRequest) => Promise<T[]>,
): Promise<PageOf<T>> {
  const rows = await load({ after: page.after, limit: page.limit + 1 });
  if (rows.length <= page.limit) return { items: rows, nextPageToken: "" };
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return {
    items,
    nextPageToken: last === undefined ? "" : Buffer.from(last.id, "utf8").toString("base64url"),
  };
}
