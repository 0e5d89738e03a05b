import { MoreThan } from "typeorm";
import type { PageRequest } from "../../app/ports.js";

/** The WHERE part of keyset pagination by time-ordered id: stable under concurrent inserts. */
export function afterId(page: PageRequest): { id?: ReturnType<typeof MoreThan<string>> } {
  return page.after === null ? {} : { id: MoreThan(page.after) };
}
