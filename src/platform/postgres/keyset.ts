import { MoreThan } from "typeorm";
import type { ListCursor } from "../listing/list-cursor.js";

/** The WHERE part of keyset pagination by time-ordered id: stable under concurrent inserts. */
export function afterId(page: ListCursor): { id?: ReturnType<typeof MoreThan<string>> } {
  return page.after === null ? {} : { id: MoreThan(page.after) };
}
