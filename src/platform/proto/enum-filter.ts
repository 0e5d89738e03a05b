import { invalidArgument } from "../errors/domain-error.js";

/**
 * Reads a list filter given as a proto enum: 0 (UNSPECIFIED) means any, a
 * number the domain does not know is the client's mistake. `toPb` is the
 * converter's own domain-to-wire table, read backwards.
 */
export function fromEnumFilter<D extends string>(
  toPb: Readonly<Record<D, number>>,
  enumName: string,
  value: number,
  field: string,
): D | null {
  if (value === 0) return null;
  const found = (Object.keys(toPb) as D[]).find((key) => toPb[key] === value);
  if (found === undefined) throw invalidArgument(field, `${value} is not a value of ${enumName}`);
  return found;
}
