import { invalidArgument } from "../../platform/errors/domain-error.js";
import { quoted } from "../../platform/errors/quoted.js";

/**
 * AIP-134 semantics in one place: the listed fields change, an empty mask
 * replaces every writable field, and a path the resource does not have is the
 * caller's mistake rather than something to ignore silently.
 */
export function resolveUpdateMask<F extends string>(
  paths: readonly string[],
  writable: readonly F[],
  field = "update_mask",
): ReadonlySet<F> {
  if (paths.length === 0) return new Set(writable);
  const chosen = new Set<F>();
  for (const path of paths) {
    const known = writable.find((name) => name === path);
    if (known === undefined) {
      throw invalidArgument(
        field,
        `${quoted(path)} is not an updatable field (use one of: ${writable.join(", ")})`,
      );
    }
    chosen.add(known);
  }
  return chosen;
}
