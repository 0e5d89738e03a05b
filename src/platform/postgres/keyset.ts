import { LessThan, MoreThan } from "typeorm";
import type { ListCursor } from "../listing/list-cursor.js";

/**
 * The WHERE part of keyset pagination by time-ordered id: stable under
 * concurrent inserts. The rows after the cursor, or before it when the list
 * runs newest first.
 */
export function afterId(page: ListCursor): { id?: ReturnType<typeof MoreThan<string>> } {
  if (page.after === null) return {};
  return { id: page.descending === true ? LessThan(page.after) : MoreThan(page.after) };
}
